package sync

import (
	"context"
	"encoding/json"

	"github.com/idbridge/idbridge/host/store"
)

// Outcomes of a run entry.
const (
	// OutcomeOK: the change was written.
	OutcomeOK = "ok"
	// OutcomeFailed: the directory refused the change; nothing was written.
	OutcomeFailed = "failed"
	// OutcomeUnknown: the directory went away while the change was in
	// flight; it may or may not have been written. Check the object.
	OutcomeUnknown = "unknown"
	// OutcomeNotApplied: the run stopped before this change was tried.
	OutcomeNotApplied = "not applied"
	// OutcomeReported: an orphan, conflict or role drift, listed for the
	// admin; nothing is written for it.
	OutcomeReported = "reported"
)

// Steps of a run entry.
const (
	StepUpdate   = "update"
	StepCreate   = "create"
	StepOrphan   = "orphan"
	StepConflict = "conflict"
	// StepRoles: an account whose roles differ from its AD groups'.
	StepRoles = "roles"
)

// AttributeChange is one attribute's value before and after, as recorded.
type AttributeChange struct {
	Attribute string   `json:"attribute"`
	Before    []string `json:"before,omitempty"`
	After     []string `json:"after,omitempty"`
}

// EntryRequest is what a run entry says was asked of the directory.
type EntryRequest struct {
	DN      string            `json:"dn"`
	Key     string            `json:"key,omitempty"`
	Changes []AttributeChange `json:"changes,omitempty"`
	Reason  string            `json:"reason,omitempty"`
}

// recorder writes run entries, masked, as the run goes.
type recorder struct {
	s     *Service
	runID string
}

func (r recorder) entry(objectID, object, step, outcome string, req any, errText string) store.RunEntry {
	raw, _ := json.Marshal(req)
	return store.RunEntry{RunID: r.runID, ObjectID: objectID, Object: object, Step: step, Outcome: outcome,
		Request: r.s.cfg.Masker.Bytes(raw), Error: r.s.cfg.Masker.String(errText)}
}

// append stores entries. A run must not go on writing to the directory
// without a record, so a failure here stops the run.
func (r recorder) append(ctx context.Context, entries ...store.RunEntry) error {
	if len(entries) == 0 {
		return nil
	}
	// Recording must outlive a canceled request: what was written is
	// recorded even when the caller went away.
	return r.s.cfg.Runs.Append(context.WithoutCancel(ctx), entries...)
}
