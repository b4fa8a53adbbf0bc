// Package postgres is the shared store backend: the store interfaces on a
// PostgreSQL database through github.com/jackc/pgx/v5, so that several hosts
// with their own data folders work on one state (see decision 0230).
//
// Open takes a postgres:// URL without a password; the password comes from
// Options.PasswordFile (idbridge serve --store-password-file) or from
// libpq's usual sources (PGPASSWORD, PGPASSFILE, ~/.pgpass), never from a
// command line where any user of the machine could read it.
//
// The schema is versioned like the SQLite one: numbered SQL files under
// migrations/ are applied in order at Open, each in its own transaction
// with its row in schema_version. Hosts that start together take a
// PostgreSQL advisory lock around the migration, so exactly one of them
// applies each file and the others wait and find the schema current. A
// database written by a newer idbridge is refused with
// store.ErrSchemaTooNew.
//
// The queue claims with SELECT ... FOR UPDATE SKIP LOCKED (decision 0231),
// so hosts claiming from one lane at once never wait for each other's rows
// and never receive the same action. Instants come from the host's clock,
// stored as Unix milliseconds like SQLite's: hosts that share a database
// must keep their clocks in sync (NTP), as leases compare them.
//
// The reads, the scanning of rows and the errors it shares with the SQLite
// backend live in package storesql (decision 0288); this package keeps its
// writes, its locking and its dialect.
package postgres
