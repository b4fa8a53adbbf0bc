package storesql

import (
	"encoding/json"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
)

// Scanner is one row of a result, as both drivers' rows offer it.
type Scanner interface {
	Scan(dest ...any) error
}

// The columns each scan function reads, in its order; queries select them
// by these names so the two cannot drift apart.
const (
	runColumns      = `seq, id, automation, kind, trigger_kind, status, started_at, finished_at, counts, error`
	runEntryColumns = `seq, run_id, object_id, object, step, outcome, request, response, error, at`
	ActionColumns   = `id, key, lane, run_id, object_id, step_id, payload, state, attempts, max_attempts,
	not_before, worker, lease_until, in_doubt, result, last_error, dead_reason, created_at, updated_at`
	auditColumns = `seq, at, actor, action, target, before, after, outcome`
	docColumns   = `id, body`
)

// Each scan function returns the row as a store type and its position in
// its listings' order, the value a page's cursor holds.

// scanRun reads runColumns.
func scanRun(row Scanner) (store.Run, int64, error) {
	var r store.Run
	var seq, started, finished int64
	var status, counts string
	err := row.Scan(&seq, &r.ID, &r.Automation, &r.Kind, &r.Trigger, &status, &started, &finished, &counts, &r.Error)
	if err != nil {
		return r, 0, err
	}
	r.Status = store.RunStatus(status)
	r.Started, r.Finished = store.FromUnixMillis(started), store.FromUnixMillis(finished)
	if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
		return r, 0, fmt.Errorf("run %s counts: %w", r.ID, err)
	}
	return r, seq, nil
}

// scanRunEntry reads runEntryColumns.
func scanRunEntry(row Scanner) (store.RunEntry, int64, error) {
	var e store.RunEntry
	var at int64
	var req, resp []byte
	if err := row.Scan(&e.Seq, &e.RunID, &e.ObjectID, &e.Object, &e.Step, &e.Outcome, &req, &resp, &e.Error, &at); err != nil {
		return e, 0, err
	}
	e.Request, e.Response, e.At = req, resp, store.FromUnixMillis(at)
	return e, e.Seq, nil
}

// ScanAction reads ActionColumns. in_doubt is a boolean on PostgreSQL and
// 0 or 1 on SQLite; both scan into a bool.
func ScanAction(row Scanner) (store.Action, int64, error) {
	var a store.Action
	var state string
	var notBefore, lease, created, updated int64
	var payload, result []byte
	err := row.Scan(&a.ID, &a.Key, &a.Lane, &a.RunID, &a.ObjectID, &a.StepID, &payload, &state, &a.Attempts,
		&a.MaxAttempts, &notBefore, &a.Worker, &lease, &a.InDoubt, &result, &a.LastError, &a.DeadReason, &created, &updated)
	if err != nil {
		return a, 0, err
	}
	a.State = store.ActionState(state)
	a.Payload, a.Result = payload, result
	a.NotBefore, a.LeaseUntil = store.FromUnixMillis(notBefore), store.FromUnixMillis(lease)
	a.Created, a.Updated = store.FromUnixMillis(created), store.FromUnixMillis(updated)
	return a, a.ID, nil
}

// scanAuditEntry reads auditColumns.
func scanAuditEntry(row Scanner) (store.AuditEntry, int64, error) {
	var e store.AuditEntry
	var at int64
	var before, after []byte
	if err := row.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Target, &before, &after, &e.Outcome); err != nil {
		return e, 0, err
	}
	e.At, e.Before, e.After = store.FromUnixMillis(at), before, after
	return e, e.Seq, nil
}

// storedDoc is a stored document as read, not yet decoded.
type storedDoc struct {
	ID   string
	Body []byte
}

// scanDoc reads docColumns. Documents are listed by id, so they have no
// numbered position.
func scanDoc(row Scanner) (storedDoc, int64, error) {
	var d storedDoc
	return d, 0, row.Scan(&d.ID, &d.Body)
}
