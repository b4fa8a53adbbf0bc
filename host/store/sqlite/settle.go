package sqlite

import (
	"context"
	"errors"

	"github.com/idbridge/idbridge/host/store"
)

// Settle implements store.Queue: one write, so one wake-up of the writer
// and a share of one commit, instead of four. A lost lease is not a
// failed write: what the call did is committed and the error is returned
// after the commit. See decision 0178.
func (q *queue) Settle(ctx context.Context, s store.Settlement) error {
	journal, err := s.EncodedJournal()
	if err != nil {
		return err
	}
	at := q.now()
	now := millis(at)
	var notHeld error
	err = (*Store)(q).write(ctx, func(ctx context.Context, tx wtx) error {
		notHeld = nil // a retried batch runs this function again
		if journal != nil {
			if err := putDoc(ctx, tx, s.Journal.Kind, s.Journal.ID, journal, now); err != nil {
				return err
			}
		}
		if err := appendEntries(ctx, tx, s.Entries, at); err != nil {
			return err
		}
		if _, err := enqueue(ctx, tx, s.Next, now); err != nil {
			return err
		}
		op, query, arg := "complete", completeHeld, any([]byte(s.Result))
		if s.DeadReason != "" {
			op, query, arg = "dead-letter", deadLetterHeld, s.DeadReason
		}
		err := q.report(ctx, tx, op, s.ID, query, s.Attempts(), arg, now, s.ID, s.Worker)
		if errors.Is(err, store.ErrLeaseLost) || errors.Is(err, store.ErrNotFound) {
			notHeld = err
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	return notHeld
}
