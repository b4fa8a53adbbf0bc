package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/idbridge/idbridge/host/store"
)

// runs implements store.Runs on the Store's tables.
type runs Store

var _ store.Runs = (*runs)(nil)

// pgCode returns PostgreSQL's SQLSTATE of err, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// SQLSTATE codes the store turns into its own errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// Create implements store.Runs.
func (r *runs) Create(ctx context.Context, run store.Run) error {
	run, err := run.Defaults(r.now())
	if err != nil {
		return err
	}
	_, err = r.pool.Exec(ctx, `INSERT INTO runs (id, automation, kind, trigger_kind, status, started_at,
		finished_at, counts, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		run.ID, run.Automation, run.Kind, run.Trigger, string(run.Status), millis(run.Started),
		millis(run.Finished), store.EncodeCounts(run.Counts), run.Error)
	if pgCode(err) == uniqueViolation {
		return fmt.Errorf("run %s already exists: %w", run.ID, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create run %s: %w", run.ID, err)
	}
	return nil
}

// Update implements store.Runs.
func (r *runs) Update(ctx context.Context, run store.Run) error {
	tag, err := r.pool.Exec(ctx, `UPDATE runs SET status = $1, finished_at = $2, counts = $3, error = $4 WHERE id = $5`,
		string(run.Status), millis(run.Finished), store.EncodeCounts(run.Counts), run.Error, run.ID)
	if err != nil {
		return fmt.Errorf("update run %s: %w", run.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("run %s: %w", run.ID, store.ErrNotFound)
	}
	return nil
}

// AddCounts implements store.Runs. The row lock of SELECT ... FOR UPDATE
// serialises hosts tallying the same run.
func (r *runs) AddCounts(ctx context.Context, runID string, delta map[string]int) error {
	return pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		var raw string
		err := tx.QueryRow(ctx, `SELECT counts FROM runs WHERE id = $1 FOR UPDATE`, runID).Scan(&raw)
		counts, err := dialect.AddCounts(runID, raw, err, delta)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE runs SET counts = $1 WHERE id = $2`, counts, runID)
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
	return pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		return appendEntries(ctx, tx, entries, now)
	})
}

// appendEntries adds run entries inside a transaction; an entry without a
// time gets now.
func appendEntries(ctx context.Context, tx pgx.Tx, entries []store.RunEntry, now time.Time) error {
	for _, e := range entries {
		at := e.At
		if at.IsZero() {
			at = now
		}
		_, err := tx.Exec(ctx, `INSERT INTO run_entries (run_id, object_id, object, step, outcome,
			request, response, error, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.RunID, e.ObjectID, e.Object, e.Step, e.Outcome, []byte(e.Request), []byte(e.Response), e.Error, millis(at))
		if pgCode(err) == foreignKeyViolation {
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
