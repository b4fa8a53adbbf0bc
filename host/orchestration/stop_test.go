package orchestration

import (
	"context"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestStopDrainsCallsInFlight: when the engine's context ends with calls
// in flight, those calls are answered and recorded, the actions not yet
// started go back to the queue, and nothing is left in doubt: the next
// start finishes the run without a single verification.
func TestStopDrainsCallsInFlight(t *testing.T) {
	e := newEnv(t, envOptions{config: func(c *Config) { c.Worker = "draining-host"; c.Concurrency = 8 }})
	mustSave(t, e, addOnly("drain"))
	e.sb.SetFaults(sandbox.Faults{Latency: 300 * time.Millisecond})
	ctx := context.Background()
	objs := people("drain", 40)
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "drain", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.eng.Run(runCtx) }()
	deadline := time.Now().Add(30 * time.Second)
	for counts(t, e)[store.ActionSending] < 4 {
		if time.Now().After(deadline) {
			t.Fatal("no call got in flight")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop() // what SIGTERM does
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c := counts(t, e)
	if c[store.ActionSending] != 0 || c[store.ActionClaimed] != 0 {
		t.Fatalf("after the stop: %v; want no action left leased or in doubt", c)
	}
	if c[store.ActionDone] == 0 || postsOf(e.sb)[200] != c[store.ActionDone] {
		t.Fatalf("%d actions done, %d users added: the calls in flight were not finished and recorded", c[store.ActionDone], postsOf(e.sb)[200])
	}
	e.sb.SetFaults(sandbox.Faults{})
	e.start(t)
	if v := e.wait(t, id, time.Minute); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	for _, en := range e.entries(t, id, "") {
		if en.Outcome == OutcomeVerify || en.Outcome == OutcomeInDoubt {
			t.Errorf("a clean stop left %s in doubt (%s)", en.Object, en.Outcome)
		}
	}
	checkExactlyOnce(t, e.sb, objs)
}

// TestRestartTakesBackItsLeasesAtOnce: a host killed while holding leases
// of ten minutes is started again under the same worker name; it resumes
// at once instead of waiting for the leases to expire, and settles the call
// that was in flight by its verification.
func TestRestartTakesBackItsLeasesAtOnce(t *testing.T) {
	const worker = "restarting-host"
	e := newEnv(t, envOptions{config: func(c *Config) { c.Worker = worker; c.Lease = 10 * time.Minute }})
	mustSave(t, e, addOnly("restart"))
	ctx := context.Background()
	objs := people("restart", 20)
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "restart", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	// The killed process: everything claimed, one call sent.
	acts, err := e.st.Queue().Claim(ctx, store.ClaimOptions{Worker: worker, Limit: 100, Lease: 10 * time.Minute})
	if err != nil || len(acts) != len(objs) {
		t.Fatalf("claim: %d, %v", len(acts), err)
	}
	if err := e.st.Queue().MarkSending(ctx, acts[0].ID, worker); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	e.start(t)
	if v := e.wait(t, id, time.Minute); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	t.Logf("resumed and finished %d users in %s with leases of 10 min outstanding", len(objs), time.Since(start))
	checkExactlyOnce(t, e.sb, objs)
	if es := e.entries(t, id, acts[0].ObjectID); len(es) == 0 || es[0].Outcome != OutcomeVerify {
		t.Errorf("the call in flight was not verified first: %+v", es)
	}
}

func counts(t *testing.T, e *env) map[store.ActionState]int {
	t.Helper()
	c, err := e.st.Queue().Counts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}
