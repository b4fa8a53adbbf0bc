package httpexec

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a request budget: a steady rate and the burst allowed above it.
type Limit struct {
	PerSecond float64
	Burst     int
	// Grain, when positive, ends the waits of a saturated budget on a grid
	// of this step in wall-clock time, so the calls due within one step
	// leave together instead of one by one. Every call still leaves at or
	// after its token's time, and no later than one step after it; the
	// calls counted in any second are still those of one second's tokens.
	// A process that makes calls for others (the host) pays for every
	// wake-up, and grouping them saves most of those; a connector's own
	// budget, which faces the app, leaves it zero and paces exactly.
	Grain time.Duration
}

// Limiters is the registry of rate limiters of one process, one per key. Apps
// such as Clockify count requests per workspace, so every integration on the
// same workspace must share one budget even when their calls run in
// parallel. A key can also be paused: after the app answered 429 with
// Retry-After, no call on that key is sent until then.
type Limiters struct {
	mu     sync.Mutex
	byK    map[string]*rate.Limiter
	paused map[string]time.Time
}

// NewLimiters returns an empty registry.
func NewLimiters() *Limiters {
	return &Limiters{byK: map[string]*rate.Limiter{}, paused: map[string]time.Time{}}
}

// Wait blocks until the limiter for key allows one request and no pause
// holds the key, or ctx ends. A limit with PerSecond <= 0 means unlimited
// (pauses still apply). A pause that begins while a call waits for its
// token holds that call too: a token never lets a request into the window
// the app asked to be left alone in.
func (l *Limiters) Wait(ctx context.Context, key string, lim Limit) error {
	for {
		if err := l.waitPause(ctx, key); err != nil {
			return err
		}
		if lim.PerSecond > 0 {
			if err := waitToken(ctx, l.get(key, lim), lim.Grain); err != nil {
				return err
			}
		} else if err := ctx.Err(); err != nil {
			return err
		}
		if l.pausedFor(key) <= 0 {
			return nil
		}
	}
}

// waitToken waits for one token of rl; with a grain, a wait ends at the
// grain's next step (see onGrain).
func waitToken(ctx context.Context, rl *rate.Limiter, grain time.Duration) error {
	if grain <= 0 {
		return rl.Wait(ctx)
	}
	if err := ctx.Err(); err != nil {
		return err // as rate.Limiter.Wait: an ended call takes no token
	}
	now := time.Now()
	r := rl.ReserveN(now, 1)
	if !r.OK() {
		return rl.Wait(ctx) // the same refusal, worded by the library
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(onGrain(now.Add(d), grain).Sub(now))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel() // the token goes back to the calls still waiting
		return ctx.Err()
	}
}

// onGrain returns the first multiple of grain in wall-clock time at or
// after due. Calls that leave on these steps, each at or after its token's
// time, are never more in a second than the tokens of one second: the steps
// inside any second span less than a second, and a step sends only the
// tokens due since the step before it.
func onGrain(due time.Time, grain time.Duration) time.Time {
	if rest := time.Duration(due.UnixNano() % int64(grain)); rest != 0 {
		return due.Add(grain - rest)
	}
	return due
}

// Pause holds every call on key until the given time, e.g. the end of a
// Retry-After window. An earlier pause that lasts longer is kept.
func (l *Limiters) Pause(key string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.paused[key]) {
		l.paused[key] = until
	}
}

func (l *Limiters) pausedFor(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.paused[key]
	if !ok {
		return 0
	}
	d := time.Until(until)
	if d <= 0 {
		delete(l.paused, key)
	}
	return d
}

func (l *Limiters) waitPause(ctx context.Context, key string) error {
	for {
		d := l.pausedFor(key)
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// get returns the limiter for key, creating it or retuning it when the
// configured limit changed (an admin edited the setting).
func (l *Limiters) get(key string, lim Limit) *rate.Limiter {
	burst := lim.Burst
	if burst <= 0 {
		burst = 1
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	rl, ok := l.byK[key]
	if !ok {
		rl = rate.NewLimiter(rate.Limit(lim.PerSecond), burst)
		l.byK[key] = rl
		return rl
	}
	if rl.Limit() != rate.Limit(lim.PerSecond) {
		rl.SetLimit(rate.Limit(lim.PerSecond))
	}
	if rl.Burst() != burst {
		rl.SetBurst(burst)
	}
	return rl
}
