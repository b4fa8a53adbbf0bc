package orchestration

import (
	"context"
	"errors"

	"github.com/idbridge/idbridge/host/store"
)

// journal is the outcome of a step for one object, written to the store
// right after the call returns and before anything else. It closes the
// window in which a crash would leave a finished call in doubt: an in-doubt
// action with a journal entry is finished from the entry, not sent again.
type journal struct {
	// Done is set once the outcome is known; Forced alone marks an admin's
	// retry of a dead action.
	Done bool `json:"done,omitempty"`
	// Outcome is an entry outcome (ok, failed, ...).
	Outcome string `json:"outcome,omitempty"`
	// Outputs are what the step returned.
	Outputs map[string][]string `json:"outputs,omitempty"`
	// Error is the masked failure.
	Error string `json:"error,omitempty"`
	// NewDN is the object's DN after a move.
	NewDN string `json:"newDn,omitempty"`
	// Forced says an admin retried the action: send without checking.
	Forced bool `json:"forced,omitempty"`
}

func (e *Engine) readJournal(ctx context.Context, key string) (journal, bool, error) {
	var j journal
	err := e.cfg.Docs.Get(ctx, DocJournal, key, &j)
	if errors.Is(err, store.ErrNotFound) {
		return journal{}, false, nil
	}
	return j, err == nil, err
}
