package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/idbridge/idbridge/host/store"
)

// runs implements store.Runs on the Store's tables.
type runs Store

var _ store.Runs = (*runs)(nil)

const runColumns = `seq, id, automation, kind, trigger_kind, status, started_at, finished_at, counts, error`

func scanRun(row pgx.Row) (store.Run, int64, error) {
	var r store.Run
	var seq, started, finished int64
	var status, counts string
	err := row.Scan(&seq, &r.ID, &r.Automation, &r.Kind, &r.Trigger, &status, &started, &finished, &counts, &r.Error)
	if err != nil {
		return r, 0, err
	}
	r.Status = store.RunStatus(status)
	r.Started, r.Finished = instant(started), instant(finished)
	if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
		return r, 0, fmt.Errorf("run %s counts: %w", r.ID, err)
	}
	return r, seq, nil
}

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
	if run.ID == "" {
		return errors.New("create run: an id is required")
	}
	if run.Status == "" {
		run.Status = store.RunRunning
	}
	if run.Started.IsZero() {
		run.Started = r.now()
	}
	_, err := r.pool.Exec(ctx, `INSERT INTO runs (id, automation, kind, trigger_kind, status, started_at,
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
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("run %s: %w", runID, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read run %s counts: %w", runID, err)
		}
		counts, err := store.AddCountsJSON(raw, delta)
		if err != nil {
			return fmt.Errorf("run %s counts: %w", runID, err)
		}
		_, err = tx.Exec(ctx, `UPDATE runs SET counts = $1 WHERE id = $2`, counts, runID)
		return err
	})
}

// Get implements store.Runs.
func (r *runs) Get(ctx context.Context, id string) (store.Run, error) {
	run, _, err := scanRun(r.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return run, fmt.Errorf("run %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return run, fmt.Errorf("read run %s: %w", id, err)
	}
	return run, nil
}

// List implements store.Runs.
func (r *runs) List(ctx context.Context, f store.RunFilter) ([]store.Run, string, error) {
	before, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	var w where
	if before > 0 {
		w.add(`seq < ?`, before)
	}
	if f.Automation != "" {
		w.add(`automation = ?`, f.Automation)
	}
	if f.Kind != "" {
		w.add(`kind = ?`, f.Kind)
	}
	if f.Status != "" {
		w.add(`status = ?`, string(f.Status))
	}
	size := f.Page.Size()
	rows, err := r.pool.Query(ctx, `SELECT `+runColumns+` FROM runs`+w.sql()+` ORDER BY seq DESC LIMIT `+strconv.Itoa(size+1), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []store.Run
	var seqs []int64
	for rows.Next() {
		run, seq, err := scanRun(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list runs: %w", err)
		}
		out, seqs = append(out, run), append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = strconv.FormatInt(seqs[size-1], 10)
	}
	return out, next, nil
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
	after, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	var w where
	w.add(`run_id = ?`, runID)
	w.add(`seq > ?`, after)
	if f.ObjectID != "" {
		w.add(`object_id = ?`, f.ObjectID)
	}
	if f.Outcome != "" {
		w.add(`outcome = ?`, f.Outcome)
	}
	size := f.Page.Size()
	rows, err := r.pool.Query(ctx, `SELECT seq, run_id, object_id, object, step, outcome, request, response, error, at
		FROM run_entries`+w.sql()+` ORDER BY seq LIMIT `+strconv.Itoa(size+1), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list entries of run %s: %w", runID, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.RunEntry, error) {
		var e store.RunEntry
		var at int64
		err := row.Scan(&e.Seq, &e.RunID, &e.ObjectID, &e.Object, &e.Step, &e.Outcome, &e.Request, &e.Response, &e.Error, &at)
		e.At = instant(at)
		return e, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list entries of run %s: %w", runID, err)
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = strconv.FormatInt(out[size-1].Seq, 10)
	}
	return out, next, nil
}
