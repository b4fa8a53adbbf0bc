package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/storesql"
)

// queue implements store.Queue on the Store's tables.
type queue Store

var _ store.Queue = (*queue)(nil)

// held is the condition under which worker holds an action.
const held = `id = ? AND worker = ? AND state IN ('claimed', 'sending')`

// Enqueue implements store.Queue.
func (q *queue) Enqueue(ctx context.Context, actions ...store.NewAction) ([]store.Enqueued, error) {
	var out []store.Enqueued
	now := millis(q.now())
	err := (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) (err error) {
		out, err = enqueue(ctx, tx, actions, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// enqueue adds actions inside a write, leaving keys already queued alone.
func enqueue(ctx context.Context, tx wtx, actions []store.NewAction, now int64) ([]store.Enqueued, error) {
	out := make([]store.Enqueued, len(actions))
	// The writer's prepared statements serve every row (see wtx).
	const ins = `INSERT INTO actions (key, lane, run_id, object_id, step_id, payload, state,
		max_attempts, not_before, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id`
	for i, a := range actions {
		a = a.Defaults(instant(now))
		key := a.Key
		err := tx.QueryRowContext(ctx, ins, key, a.Lane, a.RunID, a.ObjectID, a.StepID, []byte(a.Payload),
			a.MaxAttempts, millis(a.NotBefore), now, now).Scan(&out[i].ID)
		if errors.Is(err, sql.ErrNoRows) {
			out[i].Existed = true
			err = tx.QueryRowContext(ctx, `SELECT id FROM actions WHERE key = ?`, key).Scan(&out[i].ID)
		}
		if err != nil {
			return nil, fmt.Errorf("enqueue %q: %w", key, err)
		}
	}
	return out, nil
}

// Claim implements store.Queue.
func (q *queue) Claim(ctx context.Context, opts store.ClaimOptions) ([]store.Action, error) {
	opts, err := opts.Defaults()
	if err != nil {
		return nil, err
	}
	now := q.now()
	until := millis(now.Add(opts.Lease))
	// While leased, not_before holds the lease expiry, so the one due
	// condition covers pending actions and abandoned leases alike. An
	// abandoned 'sending' action becomes in doubt.
	pick := `SELECT id FROM actions WHERE state IN ('pending', 'claimed', 'sending') AND not_before <= ?`
	args := []any{opts.Worker, until, until, millis(now), millis(now)}
	if opts.Lane != "" {
		pick += ` AND lane = ?`
		args = append(args, opts.Lane)
	}
	pick += ` ORDER BY not_before, id LIMIT ?`
	args = append(args, opts.Limit)
	var out []store.Action
	err = (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE actions SET
			in_doubt = CASE WHEN state = 'sending' THEN 1 ELSE in_doubt END,
			state = 'claimed', worker = ?, lease_until = ?, not_before = ?, updated_at = ?
			WHERE id IN (`+pick+`)
			RETURNING `+storesql.ActionColumns, args...)
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		defer rows.Close()
		out, err = storesql.Collect(rows, storesql.ScanAction)
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// RETURNING gives no order guarantee; hand work out in enqueue order.
	slices.SortFunc(out, func(a, b store.Action) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// report runs a guarded update of a held action and turns "no row" into
// ErrNotFound or ErrLeaseLost.
func (q *queue) report(ctx context.Context, tx wtx, op string, id int64, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s action %d: %w", op, id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	return whyNotHeld(ctx, tx, op, id)
}

// whyNotHeld explains why a worker does not hold action id: it does not
// exist, or someone else holds it now (or it finished).
func whyNotHeld(ctx context.Context, tx wtx, op string, id int64) error {
	var state string
	err := tx.QueryRowContext(ctx, `SELECT state FROM actions WHERE id = ?`, id).Scan(&state)
	return dialect.NotHeld(op, id, state, err)
}

// Extend implements store.Queue.
func (q *queue) Extend(ctx context.Context, id int64, worker string, lease time.Duration) error {
	now := q.now()
	until := millis(now.Add(lease))
	return (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		return q.report(ctx, tx, "extend", id, `UPDATE actions SET lease_until = ?, not_before = ?, updated_at = ?
			WHERE `+held, until, until, millis(now), id, worker)
	})
}

// Release implements store.Queue. SQLite evaluates every CASE against the
// row as it was, so state and worker change together. A not_before of zero
// puts the released actions first in claim order.
func (q *queue) Release(ctx context.Context, worker string) (int, error) {
	now := millis(q.now())
	var n int64
	err := (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE actions SET
			state = CASE WHEN state = 'claimed' THEN 'pending' ELSE state END,
			worker = CASE WHEN state = 'claimed' THEN '' ELSE worker END,
			lease_until = ?, not_before = 0, updated_at = ?
			WHERE worker = ? AND state IN ('claimed', 'sending')`, now, now, worker)
		if err != nil {
			return fmt.Errorf("release leases of %s: %w", worker, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// MarkSending implements store.Queue. Unlike the other reports it also
// requires the lease to be unexpired: starting a call on an expired lease
// would race with a worker that claims it now.
func (q *queue) MarkSending(ctx context.Context, id int64, worker string) error {
	now := millis(q.now())
	return (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		return q.report(ctx, tx, "mark sending", id, `UPDATE actions SET state = 'sending', attempts = attempts + 1,
			updated_at = ? WHERE `+held+` AND lease_until > ?`, now, id, worker, now)
	})
}

// The guarded updates that end a held action; their arguments are
// (attempts added, result, now, id, worker) and (attempts added, reason,
// now, id, worker).
const (
	completeHeld = `UPDATE actions SET attempts = attempts + ?, state = 'done', result = ?, worker = '',
		lease_until = 0, in_doubt = 0, last_error = '', updated_at = ? WHERE ` + held
	deadLetterHeld = `UPDATE actions SET attempts = attempts + ?, state = 'dead', dead_reason = ?, worker = '',
		lease_until = 0, updated_at = ? WHERE ` + held
)

// Complete implements store.Queue.
func (q *queue) Complete(ctx context.Context, id int64, worker string, result json.RawMessage) error {
	now := millis(q.now())
	return (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		return q.report(ctx, tx, "complete", id, completeHeld, 0, []byte(result), now, id, worker)
	})
}

// Fail implements store.Queue. An attempt that failed before MarkSending
// still counts, so a check that keeps failing cannot loop forever.
func (q *queue) Fail(ctx context.Context, id int64, worker string, f store.Failure) (store.ActionState, error) {
	now := q.now()
	retryAt := f.RetryAt
	if retryAt.IsZero() {
		retryAt = now
	}
	inDoubt := 0
	if f.MaybeSent {
		inDoubt = 1
	}
	var next store.ActionState
	err := (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		var attempts, maxAttempts int
		var state string
		err := tx.QueryRowContext(ctx, `SELECT attempts, max_attempts, state FROM actions WHERE `+held, id, worker).
			Scan(&attempts, &maxAttempts, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return whyNotHeld(ctx, tx, "fail", id)
		}
		if err != nil {
			return fmt.Errorf("fail action %d: %w", id, err)
		}
		if state == string(store.ActionClaimed) {
			attempts++
		}
		next = store.ActionPending
		reason := ""
		if attempts >= maxAttempts {
			next = store.ActionDead
			reason = "gave up after " + strconv.Itoa(attempts) + " attempts: " + f.Error
		}
		return q.report(ctx, tx, "fail", id, `UPDATE actions SET state = ?, attempts = ?, last_error = ?, dead_reason = ?,
			in_doubt = ?, not_before = ?, worker = '', lease_until = 0, updated_at = ? WHERE `+held,
			string(next), attempts, f.Error, reason, inDoubt, millis(retryAt), millis(now), id, worker)
	})
	return next, err
}

// DeadLetter implements store.Queue.
func (q *queue) DeadLetter(ctx context.Context, id int64, worker string, reason string) error {
	now := millis(q.now())
	return (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		return q.report(ctx, tx, "dead-letter", id, deadLetterHeld, 0, reason, now, id, worker)
	})
}

// Requeue implements store.Queue.
func (q *queue) Requeue(ctx context.Context, id int64) error {
	now := millis(q.now())
	return (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE actions SET state = 'pending', attempts = 0, dead_reason = '',
			not_before = ?, updated_at = ? WHERE id = ? AND state = 'dead'`, now, now, id)
		if err != nil {
			return fmt.Errorf("requeue action %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var state string
		err = tx.QueryRowContext(ctx, `SELECT state FROM actions WHERE id = ?`, id).Scan(&state)
		return dialect.NotRequeued(id, state, err)
	})
}

// Get implements store.Queue.
func (q *queue) Get(ctx context.Context, id int64) (store.Action, error) {
	return (*Store)(q).reads().GetAction(ctx, id)
}

// List implements store.Queue.
func (q *queue) List(ctx context.Context, f store.ActionFilter) ([]store.Action, string, error) {
	return (*Store)(q).reads().ListActions(ctx, f)
}

// Counts implements store.Queue.
func (q *queue) Counts(ctx context.Context, lane string) (map[store.ActionState]int, error) {
	return (*Store)(q).reads().CountActions(ctx, lane)
}

// Lanes implements store.Queue. It skips from lane to lane through the
// index on (state, lane), one seek per lane and active state, instead of
// reading every active action: the dispatcher asks on every wake-up, while
// a large run keeps tens of thousands of actions pending. See decision
// 0252.
func (q *queue) Lanes(ctx context.Context) ([]string, error) {
	out := []string{}
	for _, state := range []store.ActionState{store.ActionPending, store.ActionClaimed, store.ActionSending} {
		// The first seek includes the empty lane, the next ones skip the
		// lane just found.
		after, from := "", ">="
		for {
			var lane sql.NullString
			err := q.r.QueryRowContext(ctx, `SELECT MIN(lane) FROM actions WHERE state = ? AND lane `+from+` ?`,
				string(state), after).Scan(&lane)
			if err != nil {
				return nil, fmt.Errorf("list lanes: %w", err)
			}
			if !lane.Valid {
				break
			}
			out, after, from = append(out, lane.String), lane.String, ">"
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// NextDue implements store.Queue.
func (q *queue) NextDue(ctx context.Context, lane string) (time.Time, error) {
	return (*Store)(q).reads().NextDue(ctx, lane)
}
