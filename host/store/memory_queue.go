package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// memoryQueue implements Queue in memory with the semantics documented in
// the package overview.
type memoryQueue struct {
	mu     sync.Mutex
	now    func() time.Time
	nextID int64
	byID   map[int64]*Action
	byKey  map[string]int64
	// docs and runs are the backend's, for Settle; a queue made without
	// them cannot settle.
	docs *MemoryDocs
	runs *memoryRuns
}

// Enqueue implements Queue.
func (q *memoryQueue) Enqueue(_ context.Context, actions ...NewAction) ([]Enqueued, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	out := make([]Enqueued, len(actions))
	for i, a := range actions {
		a = a.Defaults(now)
		key := a.Key
		if id, ok := q.byKey[key]; ok {
			out[i] = Enqueued{ID: id, Existed: true}
			continue
		}
		q.nextID++
		q.byID[q.nextID] = &Action{ID: q.nextID, Key: key, Lane: a.Lane, RunID: a.RunID, ObjectID: a.ObjectID,
			StepID: a.StepID, Payload: slices.Clone(a.Payload), State: ActionPending, MaxAttempts: a.MaxAttempts,
			NotBefore: ms(a.NotBefore), Created: now, Updated: now}
		q.byKey[key] = q.nextID
		out[i] = Enqueued{ID: q.nextID}
	}
	return out, nil
}

// active reports whether a is pending or leased.
func active(a *Action) bool {
	return a.State == ActionPending || a.State == ActionClaimed || a.State == ActionSending
}

// Claim implements Queue.
func (q *memoryQueue) Claim(_ context.Context, opts ClaimOptions) ([]Action, error) {
	opts, err := opts.Defaults()
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	var due []*Action
	for _, a := range q.byID {
		if active(a) && !a.NotBefore.After(now) && (opts.Lane == "" || a.Lane == opts.Lane) {
			due = append(due, a)
		}
	}
	slices.SortFunc(due, func(a, b *Action) int {
		if c := a.NotBefore.Compare(b.NotBefore); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(due) > opts.Limit {
		due = due[:opts.Limit]
	}
	until := ms(now.Add(opts.Lease))
	out := make([]Action, 0, len(due))
	for _, a := range due {
		if a.State == ActionSending {
			a.InDoubt = true
		}
		a.State, a.Worker, a.LeaseUntil, a.NotBefore, a.Updated = ActionClaimed, opts.Worker, until, until, now
		out = append(out, copyAction(a))
	}
	slices.SortFunc(out, func(a, b Action) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func copyAction(a *Action) Action {
	c := *a
	c.Payload, c.Result = slices.Clone(a.Payload), slices.Clone(a.Result)
	return c
}

// held returns the action worker holds, or the error that explains why not.
func (q *memoryQueue) held(op string, id int64, worker string) (*Action, error) {
	a, ok := q.byID[id]
	if !ok {
		return nil, fmt.Errorf("%s action %d: %w", op, id, ErrNotFound)
	}
	if a.Worker != worker || (a.State != ActionClaimed && a.State != ActionSending) {
		return nil, fmt.Errorf("%s action %d (now %s): %w", op, id, a.State, ErrLeaseLost)
	}
	return a, nil
}

// Release implements Queue.
func (q *memoryQueue) Release(_ context.Context, worker string) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	n := 0
	for _, a := range q.byID {
		if a.Worker != worker || (a.State != ActionClaimed && a.State != ActionSending) {
			continue
		}
		if a.State == ActionClaimed {
			a.State, a.Worker = ActionPending, ""
		}
		a.LeaseUntil, a.NotBefore, a.Updated = ms(now), time.UnixMilli(0).UTC(), now
		n++
	}
	return n, nil
}

// Extend implements Queue.
func (q *memoryQueue) Extend(_ context.Context, id int64, worker string, lease time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	a, err := q.held("extend", id, worker)
	if err != nil {
		return err
	}
	now := q.now()
	a.LeaseUntil, a.NotBefore, a.Updated = ms(now.Add(lease)), ms(now.Add(lease)), now
	return nil
}

// MarkSending implements Queue.
func (q *memoryQueue) MarkSending(_ context.Context, id int64, worker string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	a, err := q.held("mark sending", id, worker)
	if err != nil {
		return err
	}
	now := q.now()
	if !a.LeaseUntil.After(now) {
		return fmt.Errorf("mark sending action %d (lease expired): %w", id, ErrLeaseLost)
	}
	a.State, a.Attempts, a.Updated = ActionSending, a.Attempts+1, now
	return nil
}

// release ends the lease of a.
func release(a *Action, now time.Time) {
	a.Worker, a.LeaseUntil, a.Updated = "", time.Time{}, now
}

// Complete implements Queue.
func (q *memoryQueue) Complete(_ context.Context, id int64, worker string, result json.RawMessage) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	a, err := q.held("complete", id, worker)
	if err != nil {
		return err
	}
	a.State, a.Result, a.InDoubt, a.LastError = ActionDone, slices.Clone(result), false, ""
	release(a, q.now())
	return nil
}

// Fail implements Queue.
func (q *memoryQueue) Fail(_ context.Context, id int64, worker string, f Failure) (ActionState, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	a, err := q.held("fail", id, worker)
	if err != nil {
		return "", err
	}
	now := q.now()
	if a.State == ActionClaimed {
		a.Attempts++
	}
	a.State, a.LastError, a.InDoubt, a.DeadReason = ActionPending, f.Error, f.MaybeSent, ""
	a.NotBefore = ms(f.RetryAt)
	if a.NotBefore.IsZero() {
		a.NotBefore = now
	}
	if a.Attempts >= a.MaxAttempts {
		a.State = ActionDead
		a.DeadReason = "gave up after " + strconv.Itoa(a.Attempts) + " attempts: " + f.Error
	}
	release(a, now)
	return a.State, nil
}

// DeadLetter implements Queue.
func (q *memoryQueue) DeadLetter(_ context.Context, id int64, worker string, reason string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	a, err := q.held("dead-letter", id, worker)
	if err != nil {
		return err
	}
	a.State, a.DeadReason = ActionDead, reason
	release(a, q.now())
	return nil
}

// Requeue implements Queue.
func (q *memoryQueue) Requeue(_ context.Context, id int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	a, ok := q.byID[id]
	switch {
	case !ok:
		return fmt.Errorf("requeue action %d: %w", id, ErrNotFound)
	case a.State != ActionDead:
		return fmt.Errorf("requeue action %d: it is %s; only dead actions can be retried: %w", id, a.State, ErrConflict)
	}
	now := q.now()
	a.State, a.Attempts, a.DeadReason, a.NotBefore, a.Updated = ActionPending, 0, "", now, now
	return nil
}

// Get implements Queue.
func (q *memoryQueue) Get(_ context.Context, id int64) (Action, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	a, ok := q.byID[id]
	if !ok {
		return Action{}, fmt.Errorf("action %d: %w", id, ErrNotFound)
	}
	return copyAction(a), nil
}

// List implements Queue.
func (q *memoryQueue) List(_ context.Context, f ActionFilter) ([]Action, string, error) {
	after, err := ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []Action
	for _, a := range q.byID {
		if a.ID > after && (f.RunID == "" || a.RunID == f.RunID) && (f.Lane == "" || a.Lane == f.Lane) &&
			(f.State == "" || a.State == f.State) && (f.Worker == "" || a.Worker == f.Worker && (a.State == ActionClaimed || a.State == ActionSending)) {
			out = append(out, copyAction(a))
		}
	}
	slices.SortFunc(out, func(a, b Action) int { return cmp.Compare(a.ID, b.ID) })
	out, next := memoryPage(slices.Values(out), f.Page.Size(), func(Action) bool { return true },
		func(a Action) int64 { return a.ID })
	return out, next, nil
}

// Lanes implements Queue.
func (q *memoryQueue) Lanes(_ context.Context) ([]string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	seen := map[string]bool{}
	for _, a := range q.byID {
		if active(a) {
			seen[a.Lane] = true
		}
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	slices.Sort(out)
	return out, nil
}

// NextDue implements Queue.
func (q *memoryQueue) NextDue(_ context.Context, lane string) (time.Time, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var next time.Time
	for _, a := range q.byID {
		if active(a) && (lane == "" || a.Lane == lane) && (next.IsZero() || a.NotBefore.Before(next)) {
			next = a.NotBefore
		}
	}
	return next, nil
}

// Counts implements Queue.
func (q *memoryQueue) Counts(_ context.Context, lane string) (map[ActionState]int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[ActionState]int, len(ActionStates))
	for _, s := range ActionStates {
		out[s] = 0
	}
	for _, a := range q.byID {
		if lane == "" || a.Lane == lane {
			out[a.State]++
		}
	}
	return out, nil
}
