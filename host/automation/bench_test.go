package automation_test

import (
	"context"
	"math/rand/v2"
	"os"
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
// the change (the PUT of the membership status). At least 50 changes.
//
// "direct" runs the templates in the handler (the least the host can do);
// "engine" goes through the orchestration engine and its durable queue
// with the engine's default settings, as the host runs.
//
// "slapd-bulk" runs against the directory bench/latency.sh seeds (a slapd
// of 100,000 users by default, loaded in bulk so that they share a
// timestamp): the watcher and the automations cover every user, as in a
// deployment, and the watcher keeps its snapshot in the store.
func BenchmarkChangeToClockifyCall(b *testing.B) {
	for _, chain := range []string{"direct", "engine"} {
		b.Run("demodir/"+chain, func(b *testing.B) { benchLatency(b, demoClient(b), chain, false) })
		b.Run("samba/"+chain, func(b *testing.B) { benchLatency(b, dirtest.Connect(b, dirtest.AD(b)), chain, false) })
	}
	b.Run("slapd-bulk/engine", func(b *testing.B) { benchLatency(b, bulkDirectory(b), "engine", true) })
}

// Environment of the slapd-bulk case, set by bench/latency.sh.
const (
	envBenchLDAPURL  = "IDBRIDGE_BENCH_LDAP_URL"
	envBenchLDAPBind = "IDBRIDGE_BENCH_LDAP_BIND"
	envBenchLDAPPass = "IDBRIDGE_BENCH_LDAP_PASSWORD"
	envBenchLDAPBase = "IDBRIDGE_BENCH_LDAP_BASE"
)

// bulkDirectory connects to the directory bench/latency.sh seeded, and
// skips when there is none.
func bulkDirectory(b *testing.B) *directory.Client {
	url := os.Getenv(envBenchLDAPURL)
	if url == "" {
		b.Skip("run bench/latency.sh: it seeds a slapd with 100,000 users and sets " + envBenchLDAPURL)
	}
	return dirtest.Connect(b, directory.Config{URL: url, PlainText: true, BindDN: os.Getenv(envBenchLDAPBind),
		Password: os.Getenv(envBenchLDAPPass), BaseDN: os.Getenv(envBenchLDAPBase), Flavor: directory.FlavorLDAP, Timeout: time.Minute})
}

// benchLatency measures over a fixture OU; wide, the watcher and the
// automations cover the client's whole base instead, and the watcher's
// state is kept in the store as the host keeps it.
func benchLatency(b *testing.B, c *directory.Client, chain string, wide bool) {
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
	scope, watched := automation.Scope{OU: f.in}, f.root
	var state watch.State = watch.NewMemoryState()
	if wide {
		scope, watched = automation.Scope{OU: c.BaseDN(), Subtree: true}, c.BaseDN()
		state = watch.NewDocsState(f.docs, "directory")
	}
	t0 := time.Now()
	f.create(eventAutomation("On", "clockify-onboarding", scope, automation.ScopeEntered))
	f.create(eventAutomation("Off", "clockify-offboarding", scope, watch.UserDisabled))
	f.create(eventAutomation("Back", "clockify-return", scope, watch.UserReEnabled))
	learnt := time.Since(t0)
	u := f.user(f.in, "lat", map[string][]string{"department": {"Bench"}})
	f.poll()
	var m sandbox.User
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var ok bool
		if m, ok = cl.member(u.Get("mail")); ok {
			break
		}
		if time.Now().After(deadline) {
			for _, r := range cl.sb.Requests() {
				b.Log(r.Method, r.Path, r.Status)
			}
			b.Fatal("onboarding did not reach the sandbox")
		}
	}

	w, err := watch.New(c, state, watch.Options{Base: watched, Handler: f.svc.Dispatch})
	must(b, err)
	// The first poll takes the snapshot; Run carries on from it.
	t0 = time.Now()
	st, err := w.Poll(f.ctx)
	must(b, err)
	snapshot := time.Since(t0)
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()

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
	b.ReportMetric(float64(st.Read), "users-watched")
	if wide {
		b.Logf("%d users watched; the three automations learnt their scope in %v, the watcher's first snapshot took %v",
			st.Read, learnt.Round(time.Millisecond), snapshot.Round(time.Millisecond))
	}
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
