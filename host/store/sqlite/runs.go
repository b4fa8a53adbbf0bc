package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/idbridge/idbridge/host/store"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// runs implements store.Runs on the Store's tables.
type runs Store

var _ store.Runs = (*runs)(nil)

const runColumns = `seq, id, automation, kind, trigger_kind, status, started_at, finished_at, counts, error`

func scanRun(row interface{ Scan(...any) error }) (store.Run, int64, error) {
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
	if run.ID == "" {
		return errors.New("create run: an id is required")
	}
	if run.Started.IsZero() {
		run.Started = r.now()
	}
	if run.Status == "" {
		run.Status = store.RunRunning
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
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("run %s: %w", runID, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read run %s counts: %w", runID, err)
		}
		counts, err := store.AddCountsJSON(raw, delta)
		if err != nil {
			return fmt.Errorf("run %s counts: %w", runID, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE runs SET counts = ? WHERE id = ?`, counts, runID)
		return err
	})
}

// Get implements store.Runs.
func (r *runs) Get(ctx context.Context, id string) (store.Run, error) {
	run, _, err := scanRun(r.r.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
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
	query := `SELECT ` + runColumns + ` FROM runs WHERE 1 = 1`
	var args []any
	if before > 0 {
		query += ` AND seq < ?`
		args = append(args, before)
	}
	for col, v := range map[string]string{"automation": f.Automation, "kind": f.Kind, "status": string(f.Status)} {
		if v != "" {
			query += ` AND ` + col + ` = ?`
			args = append(args, v)
		}
	}
	size := f.Page.Size()
	query += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, size+1)
	rows, err := r.r.QueryContext(ctx, query, args...)
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
	after, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	query := `SELECT seq, run_id, object_id, object, step, outcome, request, response, error, at
		FROM run_entries WHERE run_id = ? AND seq > ?`
	args := []any{runID, after}
	if f.ObjectID != "" {
		query += ` AND object_id = ?`
		args = append(args, f.ObjectID)
	}
	if f.Outcome != "" {
		query += ` AND outcome = ?`
		args = append(args, f.Outcome)
	}
	size := f.Page.Size()
	query += ` ORDER BY seq LIMIT ?`
	args = append(args, size+1)
	rows, err := r.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list entries of run %s: %w", runID, err)
	}
	defer rows.Close()
	var out []store.RunEntry
	for rows.Next() {
		var e store.RunEntry
		var at int64
		var req, resp []byte
		if err := rows.Scan(&e.Seq, &e.RunID, &e.ObjectID, &e.Object, &e.Step, &e.Outcome, &req, &resp, &e.Error, &at); err != nil {
			return nil, "", fmt.Errorf("list entries of run %s: %w", runID, err)
		}
		e.Request, e.Response, e.At = req, resp, instant(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list entries of run %s: %w", runID, err)
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = strconv.FormatInt(out[size-1].Seq, 10)
	}
	return out, next, nil
}
