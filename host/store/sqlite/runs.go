package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/idbridge/idbridge/host/store"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// runs implements store.Runs on the Store's tables.
type runs Store

var _ store.Runs = (*runs)(nil)

// sqliteCode returns the extended result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// Create implements store.Runs.
func (r *runs) Create(ctx context.Context, run store.Run) error {
	run, err := run.Defaults(r.now())
	if err != nil {
		return err
	}
	return (*Store)(r).write(ctx, func(ctx context.Context, tx wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO runs (id, automation, kind, trigger_kind, status, started_at,
			finished_at, counts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			run.ID, run.Automation, run.Kind, run.Trigger, string(run.Status), millis(run.Started),
			millis(run.Finished), store.EncodeCounts(run.Counts), run.Error)
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
			return fmt.Errorf("run %s already exists: %w", run.ID, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("create run %s: %w", run.ID, err)
		}
		return nil
	})
}

// Update implements store.Runs.
func (r *runs) Update(ctx context.Context, run store.Run) error {
	return (*Store)(r).write(ctx, func(ctx context.Context, tx wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, finished_at = ?, counts = ?, error = ? WHERE id = ?`,
			string(run.Status), millis(run.Finished), store.EncodeCounts(run.Counts), run.Error, run.ID)
		if err != nil {
			return fmt.Errorf("update run %s: %w", run.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("run %s: %w", run.ID, store.ErrNotFound)
		}
		return nil
	})
}

// AddCounts implements store.Runs.
func (r *runs) AddCounts(ctx context.Context, runID string, delta map[string]int) error {
	return (*Store)(r).write(ctx, func(ctx context.Context, tx wtx) error {
		var raw string
		err := tx.QueryRowContext(ctx, `SELECT counts FROM runs WHERE id = ?`, runID).Scan(&raw)
		counts, err := dialect.AddCounts(runID, raw, err, delta)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE runs SET counts = ? WHERE id = ?`, counts, runID)
		return err
	})
}

// Get implements store.Runs.
func (r *runs) Get(ctx context.Context, id string) (store.Run, error) {
	return (*Store)(r).reads().GetRun(ctx, id)
}

// List implements store.Runs.
func (r *runs) List(ctx context.Context, f store.RunFilter) ([]store.Run, string, error) {
	return (*Store)(r).reads().ListRuns(ctx, f)
}

// Append implements store.Runs.
func (r *runs) Append(ctx context.Context, entries ...store.RunEntry) error {
	now := r.now()
	return (*Store)(r).write(ctx, func(ctx context.Context, tx wtx) error {
		return appendEntries(ctx, tx, entries, now)
	})
}

// appendEntries adds run entries inside a write; an entry without a time
// gets now.
func appendEntries(ctx context.Context, tx wtx, entries []store.RunEntry, now time.Time) error {
	// The writer's prepared statements serve every entry (see wtx).
	const ins = `INSERT INTO run_entries (run_id, object_id, object, step, outcome,
		request, response, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for _, e := range entries {
		at := e.At
		if at.IsZero() {
			at = now
		}
		_, err := tx.ExecContext(ctx, ins, e.RunID, e.ObjectID, e.Object, e.Step, e.Outcome,
			[]byte(e.Request), []byte(e.Response), e.Error, millis(at))
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
			return fmt.Errorf("append to run %s: create the run first: %w", e.RunID, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("append to run %s: %w", e.RunID, err)
		}
	}
	return nil
}

// Entries implements store.Runs.
func (r *runs) Entries(ctx context.Context, runID string, f store.EntryFilter) ([]store.RunEntry, string, error) {
	return (*Store)(r).reads().ListRunEntries(ctx, runID, f)
}
