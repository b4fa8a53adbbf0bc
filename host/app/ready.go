package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// docReadyProbe is the document /readyz rewrites to learn whether the store
// takes writes.
const docReadyProbe = "host.ready"

// readiness answers /readyz with the truth: not ready while starting or
// stopping, while the store refuses writes (a full disk), or while the
// directory watcher is stuck, or while an extension install runs past its
// deadline (decision 0184). See decision 0175.
type readiness struct {
	mu       sync.Mutex
	probedAt time.Time
	probeErr error
}

func (a *App) readyErr(ctx context.Context) error {
	if !a.ready.Load() {
		return errors.New("the host is starting")
	}
	if p, ok := a.Store.(pinger); ok {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if err := p.Ping(ctx); err != nil {
			return fmt.Errorf("the host takes no work: %w", err)
		}
	}
	if err := a.storeWritable(ctx); err != nil {
		return err
	}
	if eng := a.Services.Engine; eng != nil {
		if err := eng.Ready(ctx); err != nil {
			return err
		}
	}
	if w := a.Services.Watcher; w != nil {
		if err := w.Ready(); err != nil {
			return err
		}
	}
	if mgr := a.Services.Extensions; mgr != nil {
		if err := mgr.Stuck(); err != nil {
			return err
		}
	}
	return nil
}

// storeWritable writes a small document at most every
// Options.StoreProbeEvery, and on every request while the last write
// failed, and reports the last outcome.
func (a *App) storeWritable(ctx context.Context) error {
	r := &a.readiness
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := time.Now(); now.Sub(r.probedAt) >= a.opts.StoreProbeEvery || r.probeErr != nil {
		r.probedAt = now
		r.probeErr = a.Store.Put(ctx, docReadyProbe, "probe", map[string]time.Time{"at": now.UTC()})
	}
	if r.probeErr != nil {
		return fmt.Errorf("the store cannot write (%v); make room on the data folder's disk or fix its permissions", r.probeErr)
	}
	return nil
}
