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
// store; leases keep them from doing the same action. Run returns after its
// workers stopped; actions they held are taken up again by the next claim.
func (e *Engine) Run(ctx context.Context) error {
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
				e.lane(ctx, lane)
				mu.Lock()
				delete(running, lane)
				mu.Unlock()
			}()
		}
		if err := e.sweep(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("finish runs", "error", err)
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-e.wake:
		case <-ticker.C:
		}
	}
}

// lane claims the lane's ready actions and hands them to Concurrency
// executors. It returns when the lane has nothing left, or ctx ends.
func (e *Engine) lane(ctx context.Context, lane string) {
	jobs := make(chan store.Action)
	var wg sync.WaitGroup
	for range e.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				e.process(ctx, a)
			}
		}()
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	for ctx.Err() == nil {
		acts, err := e.cfg.Queue.Claim(ctx, store.ClaimOptions{Worker: e.cfg.Worker, Lane: lane, Limit: e.cfg.Concurrency, Lease: e.cfg.Lease})
		if err != nil {
			if ctx.Err() == nil {
				e.log.Error("claim", "lane", lane, "error", err)
				sleep(ctx, e.cfg.Poll)
			}
			continue
		}
		if len(acts) == 0 {
			next, err := e.cfg.Queue.NextDue(ctx, lane)
			if err != nil || next.IsZero() {
				return
			}
			// Sleep until the next action is due, but wake regularly so a
			// newly queued action is not kept waiting behind a far one.
			sleep(ctx, min(max(time.Until(next), 5*time.Millisecond), e.cfg.Poll))
			continue
		}
		for _, a := range acts {
			select {
			case jobs <- a:
			case <-ctx.Done():
				return
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
