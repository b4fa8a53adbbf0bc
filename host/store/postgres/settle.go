package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/idbridge/idbridge/host/store"
)

// Settle implements store.Queue in one transaction, one round of commit
// instead of four. A lost lease is not a failed write: what the call did
// is committed and the error is returned after the commit. See decision
// 0178.
func (q *queue) Settle(ctx context.Context, s store.Settlement) error {
	journal, err := s.EncodedJournal()
	if err != nil {
		return err
	}
	at := q.now()
	now := millis(at)
	var notHeld error
	err = pgx.BeginFunc(ctx, q.pool, func(tx pgx.Tx) error {
		notHeld = nil
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
		err := q.report(ctx, tx, op, s.ID, query, s.ID, s.Worker, arg, now, s.Attempts())
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
