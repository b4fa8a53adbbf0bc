// Package storesql holds what the SQL backends of the store (package
// store/sqlite and package store/postgres) share: scanning rows into store
// types, the conditions of the listings' filters, reading a page with its
// next cursor, and the errors that explain a row that was not there. Both
// backends keep the same tables and columns, so this logic is written once;
// each backend keeps only what differs between the two databases: its
// connections and transactions, its locking, and its SQL, which it writes
// out in full around these helpers. See decision 0288.
package storesql
