package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// ActionState is where a queued action is in its life. The package
// documentation describes the transitions.
type ActionState string

// The states of a queued action.
const (
	// ActionPending waits for its NotBefore time and a worker.
	ActionPending ActionState = "pending"
	// ActionClaimed is leased to a worker that has not started the call yet.
	ActionClaimed ActionState = "claimed"
	// ActionSending is leased to a worker that may have sent the call.
	ActionSending ActionState = "sending"
	// ActionDone finished; Result holds what the call returned.
	ActionDone ActionState = "done"
	// ActionDead gave up; DeadReason says why. Requeue retries it.
	ActionDead ActionState = "dead"
)

// ActionStates lists every state, in life order, for metrics and filters.
var ActionStates = []ActionState{ActionPending, ActionClaimed, ActionSending, ActionDone, ActionDead}

// NewAction is an action to enqueue.
type NewAction struct {
	// Key is the idempotency key; when empty it is ActionKey(RunID,
	// ObjectID, StepID). A second Enqueue with the same key is a no-op.
	Key string
	// Lane groups actions that share a rate limit, usually the integration
	// id; Claim takes from one lane.
	Lane string
	// RunID, ObjectID and StepID say what the action is for; they are
	// kept for listing and for the default key.
	RunID, ObjectID, StepID string
	// Payload is what the worker needs to perform the action, as JSON.
	// It must not hold secrets in clear: workers fetch them at send time.
	Payload json.RawMessage
	// NotBefore delays the first attempt; zero means now.
	NotBefore time.Time
	// MaxAttempts bounds Fail retries before the action is dead-lettered;
	// zero means DefaultMaxAttempts.
	MaxAttempts int
}

// DefaultMaxAttempts is used when NewAction.MaxAttempts is zero: enough to
// ride out a few minutes of an app's outage with exponential backoff.
const DefaultMaxAttempts = 8

// Action is a queued action as stored.
type Action struct {
	// ID is the store's handle for the action, used in every report.
	ID int64
	// Key is the idempotency key it was enqueued under.
	Key string
	// Lane is the rate-limit group, usually the integration id.
	Lane string
	// RunID, ObjectID and StepID say what the action is for.
	RunID, ObjectID, StepID string
	// Payload is what the worker needs to perform it.
	Payload json.RawMessage
	// State is where it is in its life.
	State ActionState
	// Attempts counts sends (MarkSending) and failures before sending: how
	// many times it was tried.
	Attempts int
	// MaxAttempts is when Fail gives up and dead-letters it.
	MaxAttempts int
	// NotBefore is when the action may next be claimed; while leased it is
	// the lease expiry.
	NotBefore time.Time
	// Worker holds the current lease, if any, until LeaseUntil.
	Worker string
	// LeaseUntil is when the current lease expires.
	LeaseUntil time.Time
	// InDoubt is true when an earlier holder marked the action as sending
	// and never reported: the call may have reached the app, so the worker
	// must check before sending again.
	InDoubt bool
	// Result is what Complete recorded.
	Result json.RawMessage
	// LastError is the error of the latest failed attempt.
	LastError string
	// DeadReason is why the action was dead-lettered.
	DeadReason string
	// Created is when it was enqueued; Updated when it last changed.
	Created, Updated time.Time
}

// Enqueued reports the outcome of enqueuing one action.
type Enqueued struct {
	// ID is the action's id, new or existing.
	ID int64
	// Existed is true when the key was already queued and nothing changed.
	Existed bool
}

// ClaimOptions says what a worker wants.
type ClaimOptions struct {
	// Worker identifies the claimer (host and goroutine); it must be set.
	Worker string
	// Lane restricts the claim to one lane; empty claims from any lane.
	Lane string
	// Limit is the most actions to claim; zero means one.
	Limit int
	// Lease is how long the worker holds each action before it may be
	// claimed by another; zero means DefaultLease.
	Lease time.Duration
}

// DefaultLease is the lease of a claim that names none: long enough for an
// HTTP call with its own retries, short enough to resume quickly after a
// crash.
const DefaultLease = 2 * time.Minute

// Failure describes a failed attempt.
type Failure struct {
	// Error is what went wrong, already masked.
	Error string
	// RetryAt is when to try again (the caller computes backoff and honours
	// Retry-After). The action is dead-lettered instead when its attempts
	// are used up.
	RetryAt time.Time
	// MaybeSent keeps the action in doubt: the error happened after the
	// request may have reached the app (a timeout, a reset connection).
	MaybeSent bool
}

// ActionFilter selects actions to list. Empty fields match everything.
type ActionFilter struct {
	// RunID keeps the actions of one run.
	RunID string
	// Lane keeps the actions of one lane.
	Lane string
	// State keeps the actions in one state.
	State ActionState
	// Worker keeps the actions a worker holds now (claimed or sending under
	// its lease): a host's share of the queue.
	Worker string
	// Page selects the page.
	Page Page
}

// Queue is the durable work queue for outbound actions. The package
// documentation describes the protocol that makes exactly-once effects
// possible.
type Queue interface {
	// Enqueue adds actions in one transaction; keys already queued are
	// left untouched and reported as Existed.
	Enqueue(ctx context.Context, actions ...NewAction) ([]Enqueued, error)
	// Claim leases up to Limit ready actions, oldest NotBefore first:
	// pending ones whose time has come and leased ones whose lease expired.
	Claim(ctx context.Context, opts ClaimOptions) ([]Action, error)
	// Extend pushes the lease of a held action forward.
	Extend(ctx context.Context, id int64, worker string, lease time.Duration) error
	// MarkSending records that the call is about to be sent. Call it
	// immediately before sending; it counts an attempt.
	MarkSending(ctx context.Context, id int64, worker string) error
	// Complete records the result and finishes the action.
	Complete(ctx context.Context, id int64, worker string, result json.RawMessage) error
	// Fail records a failed attempt and schedules the next one, or
	// dead-letters the action when its attempts are used up. It returns the
	// state the action is now in.
	Fail(ctx context.Context, id int64, worker string, f Failure) (ActionState, error)
	// Release gives up every lease worker holds, at once instead of when
	// the leases expire: a claimed action (never sent) becomes pending, a
	// sending one becomes claimable and is in doubt at its next claim; both
	// come first in claim order, so doubts are settled before new work. It
	// returns how many actions it released. A host calls it at start for
	// the leases an earlier process of its data folder left (the folder's
	// lock proves that process gone), and at a graceful stop for claims it
	// will not start. See decision 0171.
	Release(ctx context.Context, worker string) (int, error)
	// DeadLetter gives up on a held action with a reason an admin reads.
	DeadLetter(ctx context.Context, id int64, worker string, reason string) error
	// Settle writes a settlement in one transaction: the journal document,
	// the run entries, the next actions, then the action's end (Complete or
	// DeadLetter). When worker no longer holds the action, the journal,
	// entries and next actions are still committed, since the call they
	// record did happen and the new holder settles from the journal, and
	// Settle returns ErrLeaseLost or ErrNotFound. On any other error
	// nothing is written. See decision 0178.
	Settle(ctx context.Context, s Settlement) error
	// Requeue makes a dead action pending again with fresh attempts, for an
	// admin's retry. It keeps InDoubt so the worker still checks first.
	Requeue(ctx context.Context, id int64) error
	// Get returns one action or ErrNotFound.
	Get(ctx context.Context, id int64) (Action, error)
	// List returns actions in id order.
	List(ctx context.Context, f ActionFilter) ([]Action, string, error)
	// Counts returns how many actions are in each state, for metrics; an
	// empty lane counts all lanes. Every state is present, zero or not.
	Counts(ctx context.Context, lane string) (map[ActionState]int, error)
	// Lanes lists, sorted, the lanes that have pending or leased actions,
	// so a dispatcher can start one rate-limited worker per lane.
	Lanes(ctx context.Context) ([]string, error)
	// NextDue returns when the next action of lane (any lane when empty)
	// becomes claimable: a pending action's NotBefore or a lease's expiry.
	// It returns the zero time when the lane has no active action. Workers
	// sleep until then instead of polling.
	NextDue(ctx context.Context, lane string) (time.Time, error)
}

// ActionKey builds the default idempotency key of an action from its run,
// object and step. Each part is length-prefixed so that no choice of ids
// can make two different triples collide.
func ActionKey(runID, objectID, stepID string) string {
	var b strings.Builder
	for _, p := range []string{runID, objectID, stepID} {
		b.WriteString(strconv.Itoa(len(p)))
		b.WriteByte(':')
		b.WriteString(p)
		b.WriteByte('/')
	}
	return b.String()
}
