package orchestration

import (
	"context"
	"sync"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// Run executes queued actions until ctx ends: one worker per lane with
// work (an integration, the directory, local steps), each sending at its
// lane's rate with up to Concurrency calls in flight. It also finishes runs
// whose actions are all done. Several engines (hosts) may Run against one
// store; leases keep them from doing the same action.
//
// At start, Run takes back at once the leases its worker name still holds
// from an earlier process (see Config.Worker). When ctx ends it stops
// claiming and starting calls, lets the calls already sent finish and
// records their outcome for up to Config.Drain, then hands every action it
// still holds back to the queue and returns. See decision 0171.
func (e *Engine) Run(ctx context.Context) error {
	if n, err := e.cfg.Queue.Release(ctx, e.cfg.Worker); err != nil {
		e.log.Error("take back the leases of the last run", "worker", e.cfg.Worker, "error", err)
	} else if n > 0 {
		e.log.Info("took back the actions the last run of this host held", "actions", n)
	}
	// work outlives ctx by the drain period, so calls in flight are
	// answered and recorded instead of cut off.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopDrain := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(e.cfg.Drain, cancelWork)
		context.AfterFunc(work, func() { t.Stop() })
	})
	defer stopDrain()

	var (
		mu      sync.Mutex
		running = map[string]bool{}
		wg      sync.WaitGroup
	)
	ticker := time.NewTicker(e.cfg.Poll)
	defer ticker.Stop()
	for {
		lanes, err := e.cfg.Queue.Lanes(ctx)
		if err != nil && ctx.Err() == nil {
			e.log.Error("list lanes", "error", err)
		}
		for _, lane := range lanes {
			mu.Lock()
			start := !running[lane]
			running[lane] = true
			mu.Unlock()
			if !start {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.lane(ctx, work, lane)
				mu.Lock()
				delete(running, lane)
				mu.Unlock()
			}()
		}
		for _, id := range e.probe(ctx) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.resume(withStop(work, ctx), id)
			}()
		}
		if err := e.sweep(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("finish runs", "error", err)
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			e.handBack(work)
			return nil
		case <-e.wake:
		case <-ticker.C:
		}
	}
}

// handBack releases what the stopping engine still holds: actions claimed
// but not started become pending at once, and calls the drain period cut
// off become in doubt for the next claim.
func (e *Engine) handBack(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	n, err := e.cfg.Queue.Release(ctx, e.cfg.Worker)
	switch {
	case err != nil:
		e.log.Error("hand back unfinished actions; they resume when their leases expire", "error", err)
	case n > 0:
		e.log.Info("handed unfinished actions back to the queue", "actions", n)
	}
}

// lane claims the lane's ready actions and hands them to Concurrency
// executors. It stops claiming when the lane has nothing left or stop
// ends; executors run each action under work, which outlives stop by the
// drain period, and start no call once stop has ended.
func (e *Engine) lane(stop, work context.Context, lane string) {
	jobs := make(chan store.Action)
	var wg sync.WaitGroup
	for range e.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				e.process(withStop(work, stop), a)
			}
		}()
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	for stop.Err() == nil {
		if e.unwritable() {
			// Nothing claimed now could be reported; Run's probe finds
			// out when the store writes again.
			sleep(stop, e.cfg.Poll)
			continue
		}
		acts, err := e.cfg.Queue.Claim(stop, store.ClaimOptions{Worker: e.cfg.Worker, Lane: lane, Limit: e.cfg.Concurrency, Lease: e.cfg.Lease})
		if err != nil {
			if stop.Err() == nil {
				e.log.Error("claim", "lane", lane, "error", err)
				e.storeFailed(err, 0)
				sleep(stop, e.cfg.Poll)
			}
			continue
		}
		if len(acts) == 0 {
			next, err := e.cfg.Queue.NextDue(stop, lane)
			if err != nil || next.IsZero() {
				return
			}
			// Sleep until the next action is due, but wake regularly so a
			// newly queued action is not kept waiting behind a far one.
			sleep(stop, min(max(time.Until(next), 5*time.Millisecond), e.cfg.Poll))
			continue
		}
		for _, a := range acts {
			select {
			case jobs <- a:
			case <-stop.Done():
				return // the rest are handed back when Run returns
			}
		}
	}
}

// stopKey holds, in the context an action runs under, the context that
// ends when the engine stops taking work.
type stopKey struct{}

// withStop returns work carrying the stop signal: work's cancellation cuts
// calls off; after stop ends no new call starts.
func withStop(work, stop context.Context) context.Context {
	return context.WithValue(work, stopKey{}, stop)
}

// stopSignal returns the context that ends when the engine stops taking
// work; waits before a call (the rate limit) end with it.
func stopSignal(ctx context.Context) context.Context {
	if s, ok := ctx.Value(stopKey{}).(context.Context); ok {
		return s
	}
	return ctx
}

// stopped reports whether the engine is stopping: no new call may start.
func stopped(ctx context.Context) bool { return stopSignal(ctx).Err() != nil }

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
