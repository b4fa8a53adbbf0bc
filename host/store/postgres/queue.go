package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/storesql"
)

// queue implements store.Queue on the Store's tables.
type queue Store

var _ store.Queue = (*queue)(nil)

func collectActions(rows pgx.Rows) ([]store.Action, error) {
	defer rows.Close()
	return storesql.Collect(rows, storesql.ScanAction)
}

// Enqueue implements store.Queue.
func (q *queue) Enqueue(ctx context.Context, actions ...store.NewAction) ([]store.Enqueued, error) {
	var out []store.Enqueued
	now := millis(q.now())
	err := pgx.BeginFunc(ctx, q.pool, func(tx pgx.Tx) (err error) {
		out, err = enqueue(ctx, tx, actions, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// enqueue adds actions inside a transaction, leaving keys already queued
// alone.
func enqueue(ctx context.Context, tx pgx.Tx, actions []store.NewAction, now int64) ([]store.Enqueued, error) {
	out := make([]store.Enqueued, len(actions))
	for i, a := range actions {
		a = a.Defaults(instant(now))
		key := a.Key
		err := tx.QueryRow(ctx, `INSERT INTO actions (key, lane, run_id, object_id, step_id, payload, state,
			max_attempts, not_before, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $9) ON CONFLICT (key) DO NOTHING RETURNING id`,
			key, a.Lane, a.RunID, a.ObjectID, a.StepID, []byte(a.Payload), a.MaxAttempts, millis(a.NotBefore), now).Scan(&out[i].ID)
		if errors.Is(err, pgx.ErrNoRows) {
			out[i].Existed = true
			err = tx.QueryRow(ctx, `SELECT id FROM actions WHERE key = $1`, key).Scan(&out[i].ID)
		}
		if err != nil {
			return nil, fmt.Errorf("enqueue %q: %w", key, err)
		}
	}
	return out, nil
}

// Claim implements store.Queue. SKIP LOCKED lets hosts claim from one lane
// at the same moment: each skips the rows another is claiming instead of
// waiting for them, and no row goes to two claimers. See decision 0231.
func (q *queue) Claim(ctx context.Context, opts store.ClaimOptions) ([]store.Action, error) {
	opts, err := opts.Defaults()
	if err != nil {
		return nil, err
	}
	now := q.now()
	until := millis(now.Add(opts.Lease))
	w := dialect.Where()
	w.Add(storesql.Active+` AND not_before <= ?`, millis(now))
	if opts.Lane != "" {
		w.Add(`lane = ?`, opts.Lane)
	}
	pick := `SELECT id FROM actions` + w.SQL() + ` ORDER BY not_before, id LIMIT ` + w.Next(opts.Limit) + ` FOR UPDATE SKIP LOCKED`
	// While leased, not_before holds the lease expiry, so the one due
	// condition covers pending actions and abandoned leases alike. An
	// abandoned 'sending' action becomes in doubt.
	leaseUntil := w.Next(until)
	rows, err := q.pool.Query(ctx, `UPDATE actions SET
		in_doubt = in_doubt OR state = 'sending',
		state = 'claimed', worker = `+w.Next(opts.Worker)+`, lease_until = `+leaseUntil+`, not_before = `+leaseUntil+`,
		updated_at = `+w.Next(millis(now))+`
		WHERE id IN (`+pick+`) RETURNING `+storesql.ActionColumns, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	out, err := collectActions(rows)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	slices.SortFunc(out, func(a, b store.Action) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// held is the condition under which worker ($2) holds action $1.
const held = `id = $1 AND worker = $2 AND state IN ('claimed', 'sending')`

// querier runs statements on the pool or inside a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// report runs a guarded update of a held action and turns "no row" into
// ErrNotFound or ErrLeaseLost.
func (q *queue) report(ctx context.Context, db querier, op string, id int64, query string, args ...any) error {
	tag, err := db.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s action %d: %w", op, id, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	return whyNotHeld(ctx, db, op, id)
}

// whyNotHeld explains why a worker does not hold action id: it does not
// exist, or someone else holds it now (or it finished).
func whyNotHeld(ctx context.Context, db querier, op string, id int64) error {
	var state string
	err := db.QueryRow(ctx, `SELECT state FROM actions WHERE id = $1`, id).Scan(&state)
	return dialect.NotHeld(op, id, state, err)
}

// Extend implements store.Queue.
func (q *queue) Extend(ctx context.Context, id int64, worker string, lease time.Duration) error {
	now := q.now()
	until := millis(now.Add(lease))
	return q.report(ctx, q.pool, "extend", id, `UPDATE actions SET lease_until = $3, not_before = $3, updated_at = $4
		WHERE `+held, id, worker, until, millis(now))
}

// Release implements store.Queue. Every expression reads the row as it
// was, so state and worker change together; a not_before of zero puts the
// released actions first in claim order.
func (q *queue) Release(ctx context.Context, worker string) (int, error) {
	now := millis(q.now())
	tag, err := q.pool.Exec(ctx, `UPDATE actions SET
		state = CASE WHEN state = 'claimed' THEN 'pending' ELSE state END,
		worker = CASE WHEN state = 'claimed' THEN '' ELSE worker END,
		lease_until = $2, not_before = 0, updated_at = $2
		WHERE worker = $1 AND state IN ('claimed', 'sending')`, worker, now)
	if err != nil {
		return 0, fmt.Errorf("release leases of %s: %w", worker, err)
	}
	return int(tag.RowsAffected()), nil
}

// MarkSending implements store.Queue. Unlike the other reports it also
// requires the lease to be unexpired: starting a call on an expired lease
// would race with a worker that claims it now.
func (q *queue) MarkSending(ctx context.Context, id int64, worker string) error {
	now := millis(q.now())
	return q.report(ctx, q.pool, "mark sending", id, `UPDATE actions SET state = 'sending', attempts = attempts + 1,
		updated_at = $3 WHERE `+held+` AND lease_until > $3`, id, worker, now)
}

// The guarded updates that end a held action; their arguments are
// (id, worker, result, now, attempts added) and (id, worker, reason, now,
// attempts added).
const (
	completeHeld = `UPDATE actions SET attempts = attempts + $5, state = 'done', result = $3, worker = '',
		lease_until = 0, in_doubt = FALSE, last_error = '', updated_at = $4 WHERE ` + held
	deadLetterHeld = `UPDATE actions SET attempts = attempts + $5, state = 'dead', dead_reason = $3, worker = '',
		lease_until = 0, updated_at = $4 WHERE ` + held
)

// Complete implements store.Queue.
func (q *queue) Complete(ctx context.Context, id int64, worker string, result json.RawMessage) error {
	now := millis(q.now())
	return q.report(ctx, q.pool, "complete", id, completeHeld, id, worker, []byte(result), now, 0)
}

// Fail implements store.Queue. An attempt that failed before MarkSending
// still counts, so a check that keeps failing cannot loop forever. The
// decision is taken in one statement, so no lock is held across a round
// trip.
func (q *queue) Fail(ctx context.Context, id int64, worker string, f store.Failure) (store.ActionState, error) {
	now := q.now()
	retryAt := f.RetryAt
	if retryAt.IsZero() {
		retryAt = now
	}
	var next string
	err := q.pool.QueryRow(ctx, `UPDATE actions SET
		attempts = attempts + CASE WHEN state = 'claimed' THEN 1 ELSE 0 END,
		state = CASE WHEN attempts + CASE WHEN state = 'claimed' THEN 1 ELSE 0 END >= max_attempts THEN 'dead' ELSE 'pending' END,
		dead_reason = CASE WHEN attempts + CASE WHEN state = 'claimed' THEN 1 ELSE 0 END >= max_attempts
			THEN 'gave up after ' || (attempts + CASE WHEN state = 'claimed' THEN 1 ELSE 0 END) || ' attempts: ' || $3::text
			ELSE '' END,
		last_error = $3, in_doubt = $4, not_before = $5, worker = '', lease_until = 0, updated_at = $6
		WHERE `+held+` RETURNING state`, id, worker, f.Error, f.MaybeSent, millis(retryAt), millis(now)).Scan(&next)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", whyNotHeld(ctx, q.pool, "fail", id)
	}
	if err != nil {
		return "", fmt.Errorf("fail action %d: %w", id, err)
	}
	return store.ActionState(next), nil
}

// DeadLetter implements store.Queue.
func (q *queue) DeadLetter(ctx context.Context, id int64, worker string, reason string) error {
	now := millis(q.now())
	return q.report(ctx, q.pool, "dead-letter", id, deadLetterHeld, id, worker, reason, now, 0)
}

// Requeue implements store.Queue.
func (q *queue) Requeue(ctx context.Context, id int64) error {
	now := millis(q.now())
	tag, err := q.pool.Exec(ctx, `UPDATE actions SET state = 'pending', attempts = 0, dead_reason = '',
		not_before = $2, updated_at = $2 WHERE id = $1 AND state = 'dead'`, id, now)
	if err != nil {
		return fmt.Errorf("requeue action %d: %w", id, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var state string
	err = q.pool.QueryRow(ctx, `SELECT state FROM actions WHERE id = $1`, id).Scan(&state)
	return dialect.NotRequeued(id, state, err)
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

// Lanes implements store.Queue.
func (q *queue) Lanes(ctx context.Context) ([]string, error) {
	rows, err := q.pool.Query(ctx, `SELECT DISTINCT lane COLLATE "C" AS lane FROM actions WHERE `+storesql.Active+` ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list lanes: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list lanes: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// NextDue implements store.Queue.
func (q *queue) NextDue(ctx context.Context, lane string) (time.Time, error) {
	return (*Store)(q).reads().NextDue(ctx, lane)
}
