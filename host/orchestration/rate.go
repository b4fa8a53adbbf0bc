package orchestration

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters holds one token bucket per lane. An integration's lane runs at
// its rate limit: the integration's own setting when it has one, else the
// rate its connector declares. The connector limits itself too; pacing here
// keeps workers from holding leases while they queue inside the plugin, and
// makes one host's share of the budget explicit.
type limiters struct {
	e  *Engine
	mu sync.Mutex
	by map[string]*laneLimit
}

type laneLimit struct {
	lim     *rate.Limiter
	checked time.Time
	// pausedUntil holds the whole lane back after the app answered 429
	// with Retry-After: every call would be refused until then, and each
	// refusal costs the action an attempt.
	pausedUntil time.Time
}

// refreshEvery is how often a lane re-reads its integration's rate, so a
// changed setting applies without a restart.
const refreshEvery = time.Minute

func newLimiters(e *Engine) *limiters { return &limiters{e: e, by: map[string]*laneLimit{}} }

// wait blocks until lane may send one request, and reports how long it
// waited to Config.RateWait.
func (l *limiters) wait(ctx context.Context, lane string) error {
	if strings.HasPrefix(lane, "~") {
		return nil
	}
	if report := l.e.cfg.RateWait; report != nil {
		start := time.Now()
		defer func() { report(lane, time.Since(start)) }()
	}
	l.mu.Lock()
	ll, ok := l.by[lane]
	stale := !ok || l.e.cfg.Now().Sub(ll.checked) > refreshEvery
	if !ok {
		ll = &laneLimit{lim: rate.NewLimiter(rate.Limit(l.e.cfg.DefaultRate), 1)}
		l.by[lane] = ll
	}
	if stale {
		ll.checked = l.e.cfg.Now()
	}
	paused := ll.pausedUntil
	l.mu.Unlock()
	if d := paused.Sub(l.e.cfg.Now()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if stale {
		perSecond, burst := l.rateOf(ctx, lane)
		ll.lim.SetLimit(rate.Limit(perSecond))
		ll.lim.SetBurst(burst)
	}
	if shared := l.e.cfg.SharedRate; shared != nil {
		return shared.Wait(ctx, lane, float64(ll.lim.Limit()))
	}
	return ll.lim.Wait(ctx)
}

// pause holds lane back until the given time.
func (l *limiters) pause(lane string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ll, ok := l.by[lane]; ok && until.After(ll.pausedUntil) {
		ll.pausedUntil = until
	}
}

// Rate returns the requests per second and burst a lane runs at.
func (e *Engine) Rate(ctx context.Context, integration string) (float64, int) {
	return e.limiters.rateOf(ctx, integration)
}

func (l *limiters) rateOf(ctx context.Context, integration string) (float64, int) {
	perSecond, burst := l.e.cfg.DefaultRate, 1
	if d, err := l.e.cfg.Webhooks.Describe(ctx, integration); err == nil && d.GetRateLimit().GetRequestsPerSecond() > 0 {
		perSecond = d.GetRateLimit().GetRequestsPerSecond()
		burst = int(d.GetRateLimit().GetBurst())
	}
	if vals, err := l.e.cfg.Webhooks.Values(ctx, integration); err == nil {
		if v := vals[l.e.cfg.RateLimitSetting]; len(v) == 1 {
			if f, err := strconv.ParseFloat(v[0], 64); err == nil && f > 0 {
				perSecond = f
			}
		}
	}
	// A burst of at least 1 and at most a tenth of a second's budget keeps
	// the pace even: the app counts requests per second, and a full-second
	// burst at a window's edge would overrun it.
	burst = max(1, min(max(burst, 1), int(perSecond/10)+1))
	return perSecond, burst
}
