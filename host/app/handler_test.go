package app

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/metrics"
	"github.com/idbridge/idbridge/host/store"
)

// TestMetricsNeedATokenBeyondLoopback checks decision 0131: open on a
// loopback listener, an auditor token or above otherwise.
func TestMetricsNeedATokenBeyondLoopback(t *testing.T) {
	ctx := context.Background()
	a := &App{Tokens: api.NewTokens(store.NewMemoryDocs()), Metrics: metrics.New()}
	auditor, _, err := a.Tokens.Create(ctx, "scraper", api.RoleAuditor)
	if err != nil {
		t.Fatal(err)
	}
	get := func(h http.Handler, auth string) int {
		req := httptest.NewRequest("GET", "http://127.0.0.1:8080/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get(a.metricsHandler(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}), ""); code != http.StatusOK {
		t.Fatalf("loopback without a token: %d", code)
	}
	remote := a.metricsHandler(&net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 8080})
	for auth, want := range map[string]int{
		"":                   http.StatusUnauthorized,
		"Bearer idb_unknown": http.StatusUnauthorized,
		"Basic " + auditor:   http.StatusUnauthorized,
		"Bearer " + auditor:  http.StatusOK,
		"bearer " + auditor:  http.StatusOK,
	} {
		if code := get(remote, auth); code != want {
			t.Errorf("beyond loopback with %q: %d, want %d", auth, code, want)
		}
	}
}

// TestMetricsOnLoopbackCheckTheHostName is a DNS-rebinding page: the
// browser sends evil.example's name to 127.0.0.1. Without a token,
// /metrics answers only a Host that names this host: its listen address,
// localhost, a loopback address, or a name given in Options.Hostnames.
func TestMetricsOnLoopbackCheckTheHostName(t *testing.T) {
	a := &App{Tokens: api.NewTokens(store.NewMemoryDocs()), Metrics: metrics.New(),
		opts: Options{Hostnames: []string{"idbridge.corp.example"}}}
	h := a.metricsHandler(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
	for host, want := range map[string]int{
		"127.0.0.1:8080":             http.StatusOK,
		"localhost:8080":             http.StatusOK,
		"LOCALHOST.":                 http.StatusOK,
		"[::1]:8080":                 http.StatusOK,
		"127.0.0.2:8080":             http.StatusOK,
		"idbridge.corp.example:8080": http.StatusOK,
		"evil.example:8080":          http.StatusMisdirectedRequest,
		"evil.example":               http.StatusMisdirectedRequest,
		"localhost.evil.example":     http.StatusMisdirectedRequest,
		"10.0.0.5:8080":              http.StatusMisdirectedRequest,
		"":                           http.StatusMisdirectedRequest,
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %q: %d, want %d", host, rec.Code, want)
		}
	}
}
