package app

import (
	"context"
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
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get(a.metricsHandler(true), ""); code != http.StatusOK {
		t.Fatalf("loopback without a token: %d", code)
	}
	remote := a.metricsHandler(false)
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
