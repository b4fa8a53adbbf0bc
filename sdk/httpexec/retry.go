package httpexec

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// RetryPolicy bounds how long and how often a call is retried.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 0 means DefaultRetryPolicy's value,
	// 1 means never retry.
	MaxAttempts int
	// InitialInterval is the first backoff wait; it doubles each retry,
	// with ±50% jitter so that parallel callers do not retry in lockstep.
	InitialInterval time.Duration
	// MaxInterval caps one backoff wait.
	MaxInterval time.Duration
	// MaxRetryAfter caps how long the executor honours a Retry-After; a
	// longer ask fails the call at once as retryable later, so that a job
	// does not hold a worker for an hour.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy suits SaaS APIs with per-second limits: five attempts
// spread over a few seconds.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:     5,
	InitialInterval: 200 * time.Millisecond,
	MaxInterval:     10 * time.Second,
	MaxRetryAfter:   2 * time.Minute,
}

// withDefaults fills the zero fields of p from DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.InitialInterval > 0 {
		d.InitialInterval = p.InitialInterval
	}
	if p.MaxInterval > 0 {
		d.MaxInterval = p.MaxInterval
	}
	if p.MaxRetryAfter > 0 {
		d.MaxRetryAfter = p.MaxRetryAfter
	}
	return d
}

// newBackOff returns the exponential schedule for one call.
func (p RetryPolicy) newBackOff() *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     p.InitialInterval,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         p.MaxInterval,
	}
	b.Reset()
	return b
}

// ParseRetryAfter reads a Retry-After header in either of its forms: a
// number of seconds, or an HTTP date. It returns 0 when the header is absent,
// malformed or already in the past.
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// retryableStatus reports whether an answer with status may be retried for
// req, following the package's retry rule.
func retryableStatus(status int, req *Request) bool {
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return true // refused before acting
	case status >= 500:
		return req.safeToRepeat()
	}
	return false
}
