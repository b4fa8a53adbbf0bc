package automation_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// BenchmarkChangeToClockifyCall measures the time from an AD change to the
// Clockify call it causes, with the watcher at its default interval as it
// runs in the host: the user is disabled and enabled in turn, and each
// change is timed from just before the LDAP modify to the arrival in the
// sandbox of the first call for it (the lookup) and of the call that makes
// the change (the PUT of the membership status). At least 50 changes. A
// poll at rest reads only what changed (uSNChanged), so the figures do not
// depend on how many users the directory holds.
//
// "direct" runs the templates in the handler (the least the host can do);
// "engine" goes through the orchestration engine and its durable queue
// with the engine's default settings, as the host runs.
func BenchmarkChangeToClockifyCall(b *testing.B) {
	for _, chain := range []string{"direct", "engine"} {
		b.Run("demodir/"+chain, func(b *testing.B) { benchLatency(b, demoClient(b), chain) })
		b.Run("samba/"+chain, func(b *testing.B) { benchLatency(b, dirtest.Connect(b, dirtest.AD(b)), chain) })
	}
}

func benchLatency(b *testing.B, c *directory.Client, chain string) {
	var (
		cl  *clockifyEnv
		cfg automation.Config
	)
	if chain == "engine" {
		e := startEngineWith(b, c, func(*orchestration.Config) {})
		all, err := clockifyTemplates()
		must(b, err)
		_, _ = automation.InstallTemplates(context.Background(), e.hooks, e.eng, integ, all)
		cl, cfg = e.clockifyEnv, automation.Config{Runner: e.runner, Templates: e.runner}
	} else {
		cl = startClockify(b, 0)
		cfg = automation.Config{Runner: cl.exec, Templates: cl.exec}
	}
	f := newFixture(b, c, cfg)
	scope := automation.Scope{OU: f.in}
	f.create(eventAutomation("On", "clockify-onboarding", scope, automation.ScopeEntered))
	f.create(eventAutomation("Off", "clockify-offboarding", scope, watch.UserDisabled))
	f.create(eventAutomation("Back", "clockify-return", scope, watch.UserReEnabled))
	u := f.user(f.in, "lat", map[string][]string{"department": {"Bench"}})
	f.poll()
	var m sandbox.User
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var ok bool
		if m, ok = cl.member(u.Get("mail")); ok {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("onboarding did not reach the sandbox")
		}
	}

	w, err := watch.New(c, watch.NewMemoryState(), watch.Options{Base: f.root, Handler: f.svc.Dispatch})
	must(b, err)
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	time.Sleep(watch.DefaultInterval + 500*time.Millisecond) // the first poll takes the snapshot

	n := max(b.N, 50)
	var first, effect []time.Duration
	b.ResetTimer()
	for i := range n {
		// Changes happen at any moment, not just after a poll: a random
		// pause spreads them over the watch interval.
		time.Sleep(rand.N(watch.DefaultInterval))
		cl.sb.ResetRequests()
		t0 := time.Now()
		if i%2 == 0 {
			must(b, c.Disable(f.ctx, u.DN))
		} else {
			must(b, c.Enable(f.ctx, u.DN))
		}
		put, get := waitForCall(b, cl.sb, m.ID, t0)
		first, effect = append(first, get.Sub(t0)), append(effect, put.Sub(t0))
	}
	b.StopTimer()
	if cl.exec != nil {
		if fails := cl.exec.failures(); len(fails) > 0 {
			b.Fatalf("runs failed: %v", fails)
		}
	}
	b.ReportMetric(ms(percentile(first, 50)), "first-call-p50-ms")
	b.ReportMetric(ms(percentile(first, 95)), "first-call-p95-ms")
	b.ReportMetric(ms(percentile(effect, 50)), "status-call-p50-ms")
	b.ReportMetric(ms(percentile(effect, 95)), "status-call-p95-ms")
	b.ReportMetric(float64(n), "changes")
	b.Logf("%d changes at the default %v watch interval: first call p50 %v p95 %v; status call p50 %v p95 %v",
		n, watch.DefaultInterval, percentile(first, 50), percentile(first, 95), percentile(effect, 50), percentile(effect, 95))
}

// waitForCall returns when the sandbox received the PUT of userID's
// membership and the first call after t0.
func waitForCall(b *testing.B, sb *sandbox.Server, userID string, t0 time.Time) (put, first time.Time) {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range sb.Requests() {
			if r.Time.Before(t0) {
				continue
			}
			if first.IsZero() {
				first = r.Time
			}
			if r.Method == "PUT" && strings.HasSuffix(r.Path, "/users/"+userID) && r.Status < 300 {
				return r.Time, first
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("no status call for %s within 15s of the change", userID)
	return
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
