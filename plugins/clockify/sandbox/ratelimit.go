package sandbox

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per workspace, since Clockify's limit of
// 50 requests a second applies per workspace.
type limiter struct {
	rate    rate.Limit
	burst   int
	off     bool
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newLimiter(perSecond float64) *limiter {
	if perSecond < 0 {
		return &limiter{off: true}
	}
	return &limiter{rate: rate.Limit(perSecond), burst: max(1, int(math.Ceil(perSecond))), buckets: map[string]*rate.Limiter{}}
}

// allow takes a token from the bucket, or says how long until one is free.
func (l *limiter) allow(bucket string) (time.Duration, bool) {
	if l.off {
		return 0, true
	}
	l.mu.Lock()
	b, ok := l.buckets[bucket]
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[bucket] = b
	}
	l.mu.Unlock()
	now := time.Now()
	res := b.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// tooManyRequests answers 429 with Retry-After in whole seconds (at least
// one, as the header cannot say less).
func tooManyRequests(w http.ResponseWriter, wait time.Duration) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, codeTooMany, msgTooManyRequests)
}
