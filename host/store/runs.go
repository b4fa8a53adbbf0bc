package store

import (
	"context"
	"encoding/json"
	"time"
)

// RunStatus is where a run is.
type RunStatus string

// The statuses of a run.
const (
	RunRunning RunStatus = "running"
	// RunWaiting is stopped by a guard until an admin confirms.
	RunWaiting   RunStatus = "waiting"
	RunSucceeded RunStatus = "succeeded"
	// RunPartial finished with some objects failed.
	RunPartial  RunStatus = "partial"
	RunFailed   RunStatus = "failed"
	RunCanceled RunStatus = "canceled"
)

// Run is one execution of an automation, sync or test.
type Run struct {
	// ID is chosen by the caller (a UUID) so that it can be used in
	// idempotency keys before the run is stored.
	ID string
	// Automation is the id of what ran (automation, data source, ...).
	Automation string
	// Kind says what sort of run it is, e.g. "sync", "orchestration".
	Kind string
	// Trigger says what started it, e.g. "schedule", "ad-event", "apply-now".
	Trigger string
	// Status is where the run is; Create defaults it to RunRunning.
	Status RunStatus
	// Started defaults to now at Create; Finished is zero while it runs.
	Started, Finished time.Time
	// Counts are named tallies, e.g. {"updated": 3, "failed": 1}.
	Counts map[string]int
	// Error is the run-level failure, if any, already masked.
	Error string
}

// RunEntry is one step for one object within a run. Request and Response
// must already be masked by the caller.
type RunEntry struct {
	// Seq orders entries; set by the store on Append.
	Seq int64
	// RunID is the run the entry belongs to; it must exist.
	RunID string
	// ObjectID identifies the object (AD objectGUID, app id).
	ObjectID string
	// Object names the object for people (e.g. a UPN).
	Object string
	// Step names the step of the template or plan.
	Step string
	// Outcome is e.g. "ok", "failed", "skipped", "planned".
	Outcome string
	// Request and Response are what was sent and received, masked.
	Request, Response json.RawMessage
	// Error is why the step failed, masked.
	Error string
	// At defaults to now at Append.
	At time.Time
}

// RunFilter selects runs to list, newest first. Empty fields match all.
type RunFilter struct {
	// Automation keeps the runs of one automation.
	Automation string
	// Kind keeps the runs of one kind.
	Kind string
	// Status keeps the runs in one status.
	Status RunStatus
	// Page selects the page.
	Page Page
}

// EntryFilter selects entries of one run, in append order.
type EntryFilter struct {
	// ObjectID keeps the entries of one object.
	ObjectID string
	// Outcome keeps the entries with one outcome.
	Outcome string
	// Page selects the page.
	Page Page
}

// Runs keeps run records.
type Runs interface {
	// Create stores a new run; an existing id is ErrConflict.
	Create(ctx context.Context, r Run) error
	// Update replaces the run's status, finish time, counts and error.
	Update(ctx context.Context, r Run) error
	// AddCounts adds deltas to the run's counts atomically, so concurrent
	// workers can tally without losing updates.
	AddCounts(ctx context.Context, runID string, delta map[string]int) error
	// Get returns one run or ErrNotFound.
	Get(ctx context.Context, id string) (Run, error)
	// List returns a page of runs, newest first, and the next cursor.
	List(ctx context.Context, f RunFilter) ([]Run, string, error)
	// Append adds entries to runs in one transaction.
	Append(ctx context.Context, entries ...RunEntry) error
	// Entries returns a page of a run's entries and the next cursor.
	Entries(ctx context.Context, runID string, f EntryFilter) ([]RunEntry, string, error)
}
