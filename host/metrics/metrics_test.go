package metrics_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/metrics"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/store"
)

type statuses []pluginhost.Status

func (s statuses) Statuses() []pluginhost.Status { return s }

func scrape(t *testing.T, r *metrics.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func TestCollectorsReadTheHostsState(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemory(nil)
	if _, err := st.Queue().Enqueue(ctx, store.NewAction{Key: "k1", Lane: "clockify", RunID: "r1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Runs().Create(ctx, store.Run{ID: "r1", Kind: "orchestration"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Runs().Create(ctx, store.Run{ID: "r2", Kind: "orchestration", Status: store.RunFailed}); err != nil {
		t.Fatal(err)
	}
	r := metrics.New()
	plugins := statuses{{ID: "clockify", Name: "clockify", State: pluginhost.StateCrashLoop, Restarts: 4, Failures: 5}}
	if err := r.Register(metrics.Plugins(plugins), metrics.Queue(st.Queue()), metrics.Runs(st.Runs())); err != nil {
		t.Fatal(err)
	}
	r.ObserveAPI("GET", "/v1/runs/{id}", 200, 30*time.Millisecond)
	r.ObserveRateWait("clockify", 2*time.Second)
	body := scrape(t, r)
	for _, want := range []string{
		`idbridge_plugin_state{id="clockify",name="clockify",state="crash-loop"} 1`,
		`idbridge_plugin_state{id="clockify",name="clockify",state="running"} 0`,
		`idbridge_plugin_restarts_total{id="clockify",name="clockify"} 4`,
		`idbridge_plugin_consecutive_failures{id="clockify",name="clockify"} 5`,
		`idbridge_queue_actions{state="pending"} 1`,
		`idbridge_queue_actions{state="dead"} 0`,
		`idbridge_runs{status="running"} 1`,
		`idbridge_runs{status="failed"} 1`,
		`idbridge_runs{status="succeeded"} 0`,
		`idbridge_api_request_duration_seconds_count{method="GET",route="/v1/runs/{id}",status="200"} 1`,
		`idbridge_ratelimit_wait_seconds_sum{lane="clockify"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

func TestTwoRegistriesDoNotShare(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.ObserveAPI("GET", "/v1/x", 200, time.Millisecond)
	if strings.Contains(scrape(t, b), `route="/v1/x"`) {
		t.Fatal("a call observed on one registry shows in another")
	}
}
