// Package sqlite is the embedded store backend: one SQLite database file in
// the data folder, through modernc.org/sqlite so the host builds without
// cgo.
//
// The database runs in WAL mode so readers never wait for the writer. All
// writes go through one goroutine that owns the only writer connection, so
// writers queue in Go instead of racing for SQLite's lock and failing with
// SQLITE_BUSY. Writes that arrive together share one transaction (group
// commit), each inside its own savepoint so that one failing write does not
// undo the others; every caller returns only after its write is committed.
// Transactions begin IMMEDIATE and a busy timeout covers another process (a
// backup tool, the sqlite3 shell) holding the lock briefly. Reads use a
// separate pool of query-only connections.
//
// The schema is versioned: numbered SQL files under migrations/ are applied
// in order at Open, each in its own transaction together with its row in
// schema_version. A database written by a newer idbridge is refused with
// ErrSchemaTooNew instead of being misread.
//
// The reads, the scanning of rows and the errors it shares with the
// PostgreSQL backend live in package storesql (decision 0288); this package
// keeps its writes, its writer and its dialect.
package sqlite
