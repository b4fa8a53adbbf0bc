package storesql

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// Reader runs queries on a backend's connections for the reads written
// once here.
type Reader interface {
	// QueryRows runs query and returns its rows and the function that
	// closes them.
	QueryRows(ctx context.Context, query string, args ...any) (Rows, func(), error)
	// QueryRow runs query for one row; its error, no row included, comes
	// from Scan.
	QueryRow(ctx context.Context, query string, args ...any) Scanner
}

// DB is a backend's reads of the tables both backends share: the same
// queries, in the backend's dialect, on the backend's connections. Writes
// stay in each backend: transactions and locking are what differ.
type DB struct {
	Dialect
	Reader
}

// GetDoc implements store.Docs.Get.
func (db DB) GetDoc(ctx context.Context, kind, id string, v any) error {
	w := db.Where()
	w.Add(`kind = ? AND id = ?`, kind, id)
	var body []byte
	err := db.QueryRow(ctx, `SELECT body FROM docs`+w.SQL(), w.Args...).Scan(&body)
	if err := db.Found(err, docName(kind, id)); err != nil {
		return err
	}
	return decode(kind, id, body, v)
}

// ListDocs implements store.Docs.List. It reads the documents first and
// calls fn afterwards, so fn may itself read or write the store.
func (db DB) ListDocs(ctx context.Context, kind string, fn func(id string, decode func(v any) error) error) error {
	w := db.Where()
	w.Add(`kind = ?`, kind)
	docs, err := query(ctx, db, `SELECT `+docColumns+` FROM docs`+w.SQL()+` ORDER BY id`+db.ByteOrder, w.Args, scanDoc)
	if err != nil {
		return fmt.Errorf("list %s: %w", kind, err)
	}
	return walk(kind, docs, fn)
}

// GetRun implements store.Runs.Get.
func (db DB) GetRun(ctx context.Context, id string) (store.Run, error) {
	w := db.Where()
	w.Add(`id = ?`, id)
	run, _, err := scanRun(db.QueryRow(ctx, `SELECT `+runColumns+` FROM runs`+w.SQL(), w.Args...))
	return run, db.Found(err, "run "+id)
}

// ListRuns implements store.Runs.List.
func (db DB) ListRuns(ctx context.Context, f store.RunFilter) ([]store.Run, string, error) {
	w := db.Where()
	if err := w.runs(f); err != nil {
		return nil, "", err
	}
	size := f.Page.Size()
	out, next, err := queryPage(ctx, db, `SELECT `+runColumns+` FROM runs`+w.SQL()+
		` ORDER BY seq DESC LIMIT `+strconv.Itoa(size+1), w.Args, size, scanRun)
	if err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	return out, next, nil
}

// ListRunEntries implements store.Runs.Entries.
func (db DB) ListRunEntries(ctx context.Context, runID string, f store.EntryFilter) ([]store.RunEntry, string, error) {
	w := db.Where()
	if err := w.entries(runID, f); err != nil {
		return nil, "", err
	}
	size := f.Page.Size()
	out, next, err := queryPage(ctx, db, `SELECT `+runEntryColumns+` FROM run_entries`+w.SQL()+
		` ORDER BY seq LIMIT `+strconv.Itoa(size+1), w.Args, size, scanRunEntry)
	if err != nil {
		return nil, "", fmt.Errorf("list entries of run %s: %w", runID, err)
	}
	return out, next, nil
}

// GetAction implements store.Queue.Get.
func (db DB) GetAction(ctx context.Context, id int64) (store.Action, error) {
	w := db.Where()
	w.Add(`id = ?`, id)
	a, _, err := ScanAction(db.QueryRow(ctx, `SELECT `+ActionColumns+` FROM actions`+w.SQL(), w.Args...))
	return a, db.Found(err, "action "+strconv.FormatInt(id, 10))
}

// ListActions implements store.Queue.List.
func (db DB) ListActions(ctx context.Context, f store.ActionFilter) ([]store.Action, string, error) {
	w := db.Where()
	if err := w.actions(f); err != nil {
		return nil, "", err
	}
	size := f.Page.Size()
	out, next, err := queryPage(ctx, db, `SELECT `+ActionColumns+` FROM actions`+w.SQL()+
		` ORDER BY id LIMIT `+strconv.Itoa(size+1), w.Args, size, ScanAction)
	if err != nil {
		return nil, "", fmt.Errorf("list actions: %w", err)
	}
	return out, next, nil
}

// ListAudit implements store.Audit.List.
func (db DB) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, string, error) {
	w := db.Where()
	if err := w.audit(f); err != nil {
		return nil, "", err
	}
	if f.Target != "" {
		db.StartsWith(w, "target", f.Target)
	}
	size := f.Page.Size()
	out, next, err := queryPage(ctx, db, `SELECT `+auditColumns+` FROM audit`+w.SQL()+
		` ORDER BY seq DESC LIMIT `+strconv.Itoa(size+1), w.Args, size, scanAuditEntry)
	if err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	return out, next, nil
}

// query runs query on r and reads every row with scan.
func query[T any](ctx context.Context, r Reader, query string, args []any, scan func(Scanner) (T, int64, error)) ([]T, error) {
	rows, done, err := r.QueryRows(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer done()
	return Collect(rows, scan)
}

// queryPage runs a listing's query, which asks for size+1 rows, on r and
// reads the page as readPage does.
func queryPage[T any](ctx context.Context, r Reader, query string, args []any, size int, scan func(Scanner) (T, int64, error)) ([]T, string, error) {
	rows, done, err := r.QueryRows(ctx, query, args...)
	if err != nil {
		return nil, "", err
	}
	defer done()
	return readPage(rows, size, scan)
}

// Active is the condition of an action that is pending or leased: the
// actions a lane still has work in.
const Active = `state IN ('pending', 'claimed', 'sending')`

// CountActions implements store.Queue.Counts.
func (db DB) CountActions(ctx context.Context, lane string) (map[store.ActionState]int, error) {
	w := db.Where()
	if lane != "" {
		w.Add(`lane = ?`, lane)
	}
	counts, err := query(ctx, db, `SELECT state, COUNT(*) FROM actions`+w.SQL()+` GROUP BY state`, w.Args,
		func(row Scanner) (stateCount, int64, error) {
			var c stateCount
			return c, 0, row.Scan(&c.state, &c.n)
		})
	if err != nil {
		return nil, fmt.Errorf("count actions: %w", err)
	}
	out := make(map[store.ActionState]int, len(store.ActionStates))
	for _, s := range store.ActionStates {
		out[s] = 0
	}
	for _, c := range counts {
		out[store.ActionState(c.state)] = c.n
	}
	return out, nil
}

// stateCount is one row of CountActions.
type stateCount struct {
	state string
	n     int
}

// NextDue implements store.Queue.NextDue.
func (db DB) NextDue(ctx context.Context, lane string) (time.Time, error) {
	w := db.Where()
	w.Add(Active)
	if lane != "" {
		w.Add(`lane = ?`, lane)
	}
	var next *int64 // NULL when the lane has no active action
	if err := db.QueryRow(ctx, `SELECT MIN(not_before) FROM actions`+w.SQL(), w.Args...).Scan(&next); err != nil {
		return time.Time{}, fmt.Errorf("next due action: %w", err)
	}
	if next == nil {
		return time.Time{}, nil
	}
	return store.FromUnixMillis(*next), nil
}
