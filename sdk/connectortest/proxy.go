package connectortest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"

	"golang.org/x/time/rate"
)

// proxy sits between the connector and the test server. It forwards
// requests unchanged unless told to fail them or to enforce a rate limit.
type proxy struct {
	srv     *httptest.Server
	forward *httputil.ReverseProxy

	mu         sync.Mutex
	failNext   int // requests still to fail with failStatus
	failStatus int
	retryAfter string
	bucket     *rate.Limiter
	requests   int
	limited    int // 429s the proxy's own limit answered
}

// newProxy forwards to upstream's scheme and host, keeping paths.
func newProxy(t T, upstream *url.URL) *proxy {
	t.Helper()
	p := &proxy{forward: httputil.NewSingleHostReverseProxy(&url.URL{Scheme: upstream.Scheme, Host: upstream.Host})}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.requests++
	if p.failNext > 0 {
		p.failNext--
		st, ra := p.failStatus, p.retryAfter
		p.mu.Unlock()
		if ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		fmt.Fprintf(w, `{"message":"injected by the conformance kit","code":%d}`, st)
		return
	}
	if p.bucket != nil && !p.bucket.Allow() {
		p.limited++
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"Too many requests","code":429}`)
		return
	}
	p.mu.Unlock()
	p.forward.ServeHTTP(w, r)
}

// fail makes the next n requests answer status.
func (p *proxy) fail(n, status int, retryAfter string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failNext, p.failStatus, p.retryAfter = n, status, retryAfter
}

// limit enforces perSecond with burst, as an app's limit would.
func (p *proxy) limit(perSecond float64, burst int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bucket = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
}

// counts returns the requests seen and the 429s the limit answered.
func (p *proxy) counts() (requests, limited int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests, p.limited
}

// reset clears counters and faults.
func (p *proxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests, p.limited, p.failNext, p.bucket = 0, 0, 0, nil
}
