package httpexec

import (
	"context"
	"sync"

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
// parallel.
type Limiters struct {
	mu  sync.Mutex
	byK map[string]*rate.Limiter
}

// NewLimiters returns an empty registry.
func NewLimiters() *Limiters {
	return &Limiters{byK: map[string]*rate.Limiter{}}
}

// Wait blocks until the limiter for key allows one request or ctx ends. A
// limit with PerSecond <= 0 means unlimited.
func (l *Limiters) Wait(ctx context.Context, key string, lim Limit) error {
	if lim.PerSecond <= 0 {
		return ctx.Err()
	}
	return l.get(key, lim).Wait(ctx)
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
