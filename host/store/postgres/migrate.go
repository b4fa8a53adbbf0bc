package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/idbridge/idbridge/host/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the advisory lock key hosts take around migrations: the
// first eight bytes of "idbridge" read as a number, unlikely to clash with
// another application's keys in a shared database.
const migrationLock int64 = 0x6964627269646765

// migrate brings the schema up to date.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := store.LoadMigrations(migrationFS)
	if err != nil {
		return err
	}
	return s.applyMigrations(ctx, ms)
}

// applyMigrations applies the migrations the database lacks, one
// transaction each, while holding the advisory lock: hosts started
// together wait here for the one that migrates and then find nothing left
// to do. The lock belongs to the connection, so a host that dies while
// migrating releases it with its connection, and its unfinished
// transaction rolls back.
func (s *Store) applyMigrations(ctx context.Context, ms []store.Migration) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect to the store at %s: %w", s.where, err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("wait for the schema migration lock: %w", err)
	}
	defer func() {
		// A canceled ctx must not leave the lock held on a pooled connection.
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock); err != nil {
			conn.Conn().Close(context.Background())
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at BIGINT  NOT NULL)`); err != nil {
		return fmt.Errorf("prepare schema_version: %w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	pending, err := store.Pending(ms, current)
	if err != nil {
		return err
	}
	for _, m := range pending {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, millis(s.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
		s.log.Info("applied store migration", "version", m.Version, "name", m.Name)
	}
	return nil
}

// SchemaVersion returns the schema version of the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}
