package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrClosed is returned by writes to a closed store.
var ErrClosed = errors.New("the store is closed")

// maxBatch bounds how many writes share one transaction, so one commit
// never holds the lock for long.
const maxBatch = 128

// lingerFor is how long the writer waits for more writes when several
// arrived together, or when one arrives while writes are streaming in. At
// a lane's 500 calls a second, 20 ms gathers about ten settlements per
// commit, and the commit (its WAL frames, its fsync, the pages every
// settlement touches) is then shared by ten calls instead of two or three.
// It adds at most 20 ms to a write made while others are writing: a lane's
// executors each have 64 ms per call at that rate (32 of them), and a lone
// write after a quiet time does not wait at all. See decisions 0177, 0250
// and 0279.
const lingerFor = 20 * time.Millisecond

// streamGap is the longest quiet time after a commit for the next write to
// count as part of a stream (a lane's calls settling one after another
// from different goroutines), for which a short wait brings company. A
// write after a longer quiet time (an admin's save) is committed at once.
// See decision 0250.
const streamGap = 2 * lingerFor

// probeEvery is how often a lone write in a stream lingers although the
// last lingering of a lone write brought no company: one caller writing in
// a loop never gets company (its next write waits for this one), so it
// pays for at most one linger per probeEvery, a twentieth of its time; a
// stream of writers from several goroutines gets company and keeps
// lingering.
const probeEvery = 20 * lingerFor

// lingerPolicy decides whether a lone write waits for company. Only the
// writer goroutine uses it.
type lingerPolicy struct {
	lastCommit, lastProbe time.Time
	pays                  bool // the last lingering of a lone write brought company
}

// lingerLone reports whether a lone write arriving at now should wait.
func (p *lingerPolicy) lingerLone(now time.Time) bool {
	if now.Sub(p.lastCommit) >= streamGap {
		return false
	}
	if p.pays {
		return true
	}
	if now.Sub(p.lastProbe) >= probeEvery {
		p.lastProbe = now
		return true
	}
	return false
}

// writeReq is one caller's write, waiting for the writer goroutine.
type writeReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx wtx) error
	done chan error
}

// write runs fn in a write transaction and returns once that transaction
// is committed (durable) or fn's changes are rolled back.
//
// All writes go through one goroutine that owns the single writer
// connection. When several callers write at once, it runs their functions
// in one transaction, each inside its own savepoint, and commits once:
// concurrent queue workers share one fsync instead of waiting for one each
// (group commit). A function that fails is rolled back to its savepoint
// without touching the others' work. fn must not call write itself.
//
// fn gets ctx without its cancellation: once a write has started it runs
// to its end, because SQLite answers an interrupted statement by rolling
// back the whole transaction, which would undo the other callers' writes.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, tx wtx) error) error {
	req := writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return ErrClosed
	}
	// Once handed over, the request is always answered, quickly if ctx is
	// done by the time its turn comes.
	return <-req.done
}

// writer is the goroutine that owns the writer connection.
func (s *Store) writer() {
	defer close(s.writerDone)
	var policy lingerPolicy
	for {
		var first writeReq
		select {
		case first = <-s.writes:
		case <-s.closing:
			return
		}
		batch := []writeReq{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		lone := len(batch) == 1
		if (!lone || policy.lingerLone(time.Now())) && len(batch) < maxBatch {
			// Writers are busy: a moment's wait lets more of them share
			// this commit's fsync. A lone write after a quiet time does not
			// wait; one in a stream does, since a lone lane's settlements
			// otherwise each pay for a commit of their own.
			linger := time.NewTimer(lingerFor)
		more:
			for len(batch) < maxBatch {
				select {
				case r := <-s.writes:
					batch = append(batch, r)
				case <-linger.C:
					break more
				}
			}
			linger.Stop()
			// Company now, for a lone write or several, says a stream of
			// writers is on.
			policy.pays = len(batch) > 1
		}
		s.commit(batch)
		policy.lastCommit = time.Now()
	}
}

// stopWriter ends the writer goroutine after the batch in progress.
func (s *Store) stopWriter() {
	s.closeOnce.Do(func() { close(s.closing) })
	<-s.writerDone
}

// commit runs a batch in one transaction and answers every request.
func (s *Store) commit(batch []writeReq) {
	errs := make([]error, len(batch))
	answer := func(shared error) {
		for i, r := range batch {
			if errs[i] == nil {
				errs[i] = shared
			}
			r.done <- errs[i]
		}
	}
	// The transaction is not bound to any caller's context: one caller
	// giving up must not roll back the others.
	sqlTx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		answer(fmt.Errorf("begin write: %w", err))
		return
	}
	// Statements first run in this batch are prepared once it ended.
	defer s.prepareQueued()
	tx := wtx{Tx: sqlTx, s: s}
	if len(batch) == 1 {
		s.commitOne(tx, batch[0])
		return
	}
	bg := context.Background()
	ok := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(bg, `SAVEPOINT w`); err != nil {
			errs[i] = fmt.Errorf("begin write: %w", err)
			continue
		}
		if err := r.fn(context.WithoutCancel(r.ctx), tx); err != nil {
			errs[i] = err
			if _, rbErr := tx.ExecContext(bg, `ROLLBACK TO w`); rbErr != nil {
				// The transaction is in an unknown state: give up on all of it.
				_ = tx.Rollback()
				answer(fmt.Errorf("roll back a failed write: %w", rbErr))
				return
			}
		} else {
			ok++
		}
		if _, err := tx.ExecContext(bg, `RELEASE w`); err != nil {
			_ = tx.Rollback()
			answer(fmt.Errorf("release a write: %w", err))
			return
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		answer(nil)
		return
	}
	if err := tx.Commit(); err != nil {
		// Nothing of the batch was kept, including writes that succeeded.
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("commit: %w", err)
			}
		}
	}
	answer(nil)
}

// commitOne runs a lone write in the transaction tx and answers it: the
// transaction is the write's own, so a failure rolls all of it back and no
// savepoint is needed (two statements fewer per commit). See decision 0250.
func (s *Store) commitOne(tx wtx, r writeReq) {
	err := r.ctx.Err()
	if err == nil {
		err = r.fn(context.WithoutCancel(r.ctx), tx)
	}
	if err != nil {
		_ = tx.Rollback()
		r.done <- err
		return
	}
	if err := tx.Commit(); err != nil {
		r.done <- fmt.Errorf("commit: %w", err)
		return
	}
	r.done <- nil
}
