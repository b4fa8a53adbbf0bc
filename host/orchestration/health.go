package orchestration

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// DocHealth holds the engine's write probe: one small document per worker,
// rewritten while the store refuses writes, to learn when it takes them
// again.
const DocHealth = "orchestration.health"

// ErrStoreUnwritable is the readiness error while the store refuses writes
// (a full disk, a read-only file system): the engine holds every lane and
// resumes by itself when a write succeeds again.
var ErrStoreUnwritable = errors.New("the store cannot write; make room on the data folder's disk (or fix its permissions) and work resumes by itself")

// health tracks whether the store takes the engine's writes, and the
// actions whose report a refused write interrupted.
type health struct {
	mu      sync.Mutex
	err     error
	since   time.Time
	orphans map[int64]bool
}

// storeFailed records a refused write. The action, if any, is kept to be
// taken up again in this process once the store writes: its lease is still
// this worker's, so nobody else would before it expires.
func (e *Engine) storeFailed(err error, action int64) {
	h := &e.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		h.since = e.cfg.Now()
		e.log.Error("the store refuses writes; holding all work until it takes them again", "error", err)
	}
	h.err = err
	if action != 0 {
		if h.orphans == nil {
			h.orphans = map[int64]bool{}
		}
		h.orphans[action] = true
	}
}

// unwritable reports whether the store refused the last write.
func (e *Engine) unwritable() bool {
	e.health.mu.Lock()
	defer e.health.mu.Unlock()
	return e.health.err != nil
}

// Ready returns nil while the engine can work, else why not: the store has
// refused writes since some time. /readyz reports it.
func (e *Engine) Ready(context.Context) error {
	h := &e.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		return nil
	}
	return fmt.Errorf("%w (since %s: %v)", ErrStoreUnwritable, h.since.UTC().Format(time.RFC3339), h.err)
}

// probe tries one write while the store is unwritable. When it succeeds,
// the engine works again and the interrupted actions it still holds are
// returned for processing.
func (e *Engine) probe(ctx context.Context) []int64 {
	if !e.unwritable() {
		return nil
	}
	if err := e.cfg.Docs.Put(ctx, DocHealth, e.cfg.Worker, map[string]time.Time{"ok": e.cfg.Now().UTC()}); err != nil {
		e.storeFailed(err, 0)
		return nil
	}
	h := &e.health
	h.mu.Lock()
	defer h.mu.Unlock()
	e.log.Info("the store takes writes again; resuming", "held_for", e.cfg.Now().Sub(h.since).Round(time.Second))
	h.err = nil
	ids := make([]int64, 0, len(h.orphans))
	for id := range h.orphans {
		ids = append(ids, id)
	}
	h.orphans = nil
	return ids
}

// resume takes up an action whose report a refused write interrupted. The
// engine still holds its lease; one that was (or may have been) sent is in
// doubt, so its journal or verification decides, as after a crash.
func (e *Engine) resume(ctx context.Context, id int64) {
	a, err := e.cfg.Queue.Get(ctx, id)
	if err != nil {
		e.log.Warn("could not read an interrupted action; it resumes when its lease expires", "action", id, "error", err)
		return
	}
	if a.Worker != e.cfg.Worker || (a.State != store.ActionClaimed && a.State != store.ActionSending) {
		return // finished or taken over meanwhile
	}
	if !a.LeaseUntil.After(e.cfg.Now()) {
		return // the lease ran out: the next claim takes it up, in doubt if it was sent
	}
	a.InDoubt = a.InDoubt || a.State == store.ActionSending
	e.process(ctx, a)
}
