package orchestration

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/idbridge/idbridge/sdk/httpexec"
)

// limiters holds one token bucket per lane. An integration's lane runs at
// its rate limit: the integration's own setting when it has one, else the
// rate its connector declares. The connector limits itself too; pacing here
// keeps workers from holding leases while they queue inside the plugin, and
// makes one host's share of the budget explicit. The buckets and the
// Retry-After pauses are the SDK's registry, so host and connector hold a
// lane back by the same rule. See decision 0172.
type limiters struct {
	e   *Engine
	reg *httpexec.Limiters
	mu  sync.Mutex
	by  map[string]*laneRate
}

// laneRate is a lane's budget and when it was last read.
type laneRate struct {
	limit   httpexec.Limit
	checked time.Time
}

// refreshEvery is how often a lane re-reads its integration's rate, so a
// changed setting applies without a restart.
const refreshEvery = time.Minute

func newLimiters(e *Engine) *limiters {
	return &limiters{e: e, reg: httpexec.NewLimiters(), by: map[string]*laneRate{}}
}

// wait blocks until lane may send one request, and reports how long it
// waited to Config.RateWait. A pause that began while the call waited for
// its token holds it too: no request goes into a Retry-After window. The
// caller calls over once the call is over, or with false when it did not
// send it after all.
func (l *limiters) wait(ctx context.Context, lane string) (over func(sent bool), err error) {
	nothing := func(bool) {}
	if strings.HasPrefix(lane, "~") {
		return nothing, nil
	}
	if report := l.e.cfg.RateWait; report != nil {
		start := time.Now()
		defer func() { report(lane, time.Since(start)) }()
	}
	l.mu.Lock()
	lr, ok := l.by[lane]
	stale := !ok || l.e.cfg.Now().Sub(lr.checked) > refreshEvery
	if !ok {
		lr = &laneRate{limit: httpexec.Limit{PerSecond: l.e.cfg.DefaultRate, Burst: 1}}
		l.by[lane] = lr
	}
	if stale {
		lr.checked = l.e.cfg.Now()
	}
	limit := lr.limit
	l.mu.Unlock()
	if stale {
		perSecond, burst := l.rateOf(ctx, lane)
		limit = httpexec.Limit{PerSecond: perSecond, Burst: burst}
		l.mu.Lock()
		lr.limit = limit
		l.mu.Unlock()
	}
	if shared := l.e.cfg.SharedRate; shared != nil {
		// The hosts' shared budget replaces the local bucket; a pause
		// (Retry-After) holds the call before and after its shared permit.
		if err := l.reg.Wait(ctx, lane, httpexec.Limit{}); err != nil {
			return nil, err
		}
		over, err := shared.Wait(ctx, lane, limit.PerSecond)
		if err != nil {
			return nil, err
		}
		if err := l.reg.Wait(ctx, lane, httpexec.Limit{}); err != nil {
			over(false)
			return nil, err
		}
		return over, nil
	}
	limit.Grain = laneGrain
	return nothing, l.reg.Wait(ctx, lane, limit)
}

// laneGrain groups a saturated lane's calls: those due within 10 ms leave
// together, so the host wakes about a hundred times a second at 500 calls a
// second instead of five hundred. See decision 0287.
const laneGrain = 10 * time.Millisecond

// pause holds lane back until the given time: the app refuses every call
// until then, and each refusal would cost an action an attempt.
func (l *limiters) pause(lane string, until time.Time) { l.reg.Pause(lane, until) }

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
