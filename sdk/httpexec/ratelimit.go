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
			if err := l.get(key, lim).Wait(ctx); err != nil {
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
