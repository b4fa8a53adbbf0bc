package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
)

// Settle implements Queue. Everything that can fail is checked before
// anything changes, so an error other than a lost lease writes nothing.
func (q *memoryQueue) Settle(ctx context.Context, s Settlement) error {
	if q.docs == nil || q.runs == nil {
		return errors.New("settle: this memory queue has no documents or run records; make it with NewMemory")
	}
	journal, err := s.EncodedJournal()
	if err != nil {
		return err
	}
	if err := q.runs.Append(ctx, s.Entries...); err != nil {
		return err
	}
	if journal != nil {
		if err := q.docs.Put(ctx, s.Journal.Kind, s.Journal.ID, json.RawMessage(journal)); err != nil {
			return err
		}
	}
	if _, err := q.Enqueue(ctx, s.Next...); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	a, err := q.held("settle", s.ID, s.Worker)
	if err != nil {
		return err
	}
	if s.DeadReason != "" {
		a.State, a.DeadReason = ActionDead, s.DeadReason
	} else {
		a.State, a.Result, a.InDoubt, a.LastError = ActionDone, slices.Clone(s.Result), false, ""
	}
	a.Attempts += s.Attempts()
	release(a, q.now())
	return nil
}
