package store

import (
	"encoding/json"
	"fmt"
)

// Settlement is everything a worker records when it is done with an action
// it holds: the journal entry of the call, the run record's entries, the
// object's next action and the action's own end, written by Queue.Settle in
// one transaction, so a settled action costs one commit instead of four.
// See decision 0178.
type Settlement struct {
	// ID is the action settled; Worker must hold its lease.
	ID     int64
	Worker string
	// Journal, when its Kind is set, is a document written first: the
	// outcome of a call that was sent, so the call is never sent again.
	Journal Doc
	// Entries are appended to their runs.
	Entries []RunEntry
	// Next are enqueued like Enqueue does: a key already queued is left
	// untouched.
	Next []NewAction
	// Result finishes the action as done, like Complete, unless DeadReason
	// is set.
	Result json.RawMessage
	// DeadReason, when set, dead-letters the action instead, like
	// DeadLetter.
	DeadReason string
	// CountAttempt counts the call as an attempt, as MarkSending would
	// have: the engine sends a call whose repetition is harmless (an
	// idempotent webhook) without marking it first, and its settlement
	// keeps the action's attempts true. See decision 0251.
	CountAttempt bool
}

// Attempts is what a settlement adds to the action's attempts: one for a
// call sent without MarkSending, else none.
func (s Settlement) Attempts() int {
	if s.CountAttempt {
		return 1
	}
	return 0
}

// Doc is one document to write, by kind and id; Value is encoded as JSON.
type Doc struct {
	Kind, ID string
	Value    any
}

// EncodedJournal returns the journal document as JSON, or nil when the
// settlement has none, so a backend can fail on encoding before it writes
// anything.
func (s Settlement) EncodedJournal() ([]byte, error) {
	if s.Journal.Kind == "" {
		return nil, nil
	}
	body, err := json.Marshal(s.Journal.Value)
	if err != nil {
		return nil, fmt.Errorf("encode %s %q: %w", s.Journal.Kind, s.Journal.ID, err)
	}
	return body, nil
}
