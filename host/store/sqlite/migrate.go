package sqlite

import (
	"context"
	"embed"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
)

// ErrSchemaTooNew is returned by Open when the database was written by a
// newer idbridge; it is store.ErrSchemaTooNew, shared by every backend.
var ErrSchemaTooNew = store.ErrSchemaTooNew

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate brings the schema up to date, one transaction per migration.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := store.LoadMigrations(migrationFS)
	if err != nil {
		return err
	}
	return s.applyMigrations(ctx, ms)
}

func (s *Store) applyMigrations(ctx context.Context, ms []store.Migration) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("prepare schema_version: %w", err)
	}
	var current int
	if err := s.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	pending, err := store.Pending(ms, current)
	if err != nil {
		return err
	}
	for _, m := range pending {
		err := s.write(ctx, func(ctx context.Context, tx wtx) error {
			// A script runs once: not worth a cached statement.
			if _, err := tx.Tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
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

// SchemaVersion returns the schema version of the open database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}
