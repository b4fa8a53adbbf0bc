package orchestration

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// checkExactlyOnce asserts that every object's user exists once and that
// the sandbox accepted exactly one add-user request per object and refused
// none as a duplicate.
func checkExactlyOnce(t *testing.T, sb *sandbox.Server, objs []outbound.Object) {
	t.Helper()
	byEmail := map[string]int{}
	for _, u := range sb.Users(sandbox.DefaultWorkspaceID) {
		byEmail[u.Email]++
	}
	missing := 0
	for _, o := range objs {
		switch n := byEmail[o.Attributes["mail"][0]]; n {
		case 1:
		case 0:
			missing++
		default:
			t.Errorf("%s exists %d times", o.Attributes["mail"][0], n)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d users were never added (a gap)", missing, len(objs))
	}
	posts := postsOf(sb)
	if posts[200] != len(objs) {
		t.Errorf("the sandbox accepted %d add-user requests for %d objects (by status: %v)", posts[200], len(objs), posts)
	}
	if posts[400] != 0 {
		t.Errorf("%d add-user requests were refused, i.e. sent twice (by status: %v)", posts[400], posts)
	}
}

func TestFaultsLoseAndDuplicateNothing(t *testing.T) {
	e := newEnv(t, envOptions{rateLimit: "100"})
	mustSave(t, e, addOnly("add"))
	e.sb.SetFaults(sandbox.Faults{ErrorRate: 0.2, Burst429: 20, RetryAfter: time.Second})
	e.start(t)
	objs := people("fault", 400)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Three more bursts of 429s, a second apart, while the run goes on.
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for range 3 {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				e.sb.SetFaults(sandbox.Faults{ErrorRate: 0.2, Burst429: 20, RetryAfter: time.Second})
			}
		}
	}()
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "add", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 2*time.Minute)
	cancel()
	if v.Summary.Failed != 0 {
		t.Errorf("run ended %s with %d failed objects: %s", v.Status, v.Summary.Failed, v.Error)
	}
	faults := map[string]int{}
	for _, r := range e.sb.Requests() {
		faults[r.Fault]++
	}
	if faults["5xx"] == 0 || faults["429"] == 0 {
		t.Fatalf("the faults did not happen: %v", faults)
	}
	t.Logf("requests by injected fault: %v", faults)
	retries := 0
	for _, en := range e.entries(t, id, "") {
		if en.Outcome == OutcomeRetry {
			retries++
		}
	}
	if retries == 0 {
		t.Error("no retry was recorded in the run's entries")
	}
	checkExactlyOnce(t, e.sb, objs)
}

func TestConnectorKilledMidRunResumes(t *testing.T) {
	e := newEnv(t, envOptions{rateLimit: "100"})
	mustSave(t, e, addOnly("add"))
	e.start(t)
	objs := people("kill", 300)
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "add", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := e.ints.Sup.Get(integ)
	deadline := time.Now().Add(30 * time.Second)
	for postsOf(e.sb)[200] < 60 {
		if time.Now().After(deadline) {
			t.Fatal("the run did not get going")
		}
		time.Sleep(5 * time.Millisecond)
	}
	pid := in.Status().PID
	if pid == 0 {
		t.Fatal("the connector is not running")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 2*time.Minute)
	if v.Summary.Failed != 0 {
		t.Errorf("run ended %s with %d failed: %s", v.Status, v.Summary.Failed, v.Error)
	}
	if st := in.Status(); st.Restarts < 1 || st.PID == pid {
		t.Errorf("the connector was not relaunched: %+v", st)
	}
	checkExactlyOnce(t, e.sb, objs)
}

// TestAmbiguousFailuresOfANonIdempotentCallAreRetriedThroughVerify: an add
// answered 5xx, or whose connection dropped after the request left, may
// have reached the app; the engine retries it by looking the user up
// first (the verification add-user declares) and resending only when the
// lookup finds nobody, so each user is added once.
func TestAmbiguousFailuresOfANonIdempotentCallAreRetriedThroughVerify(t *testing.T) {
	for name, f := range map[string]sandbox.Faults{"5xx": {ErrorRate: 1}, "dropped connection": {DropRate: 1}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			tm := addOnly("retry")
			tm.Steps[0].Verify = nil // the declared one applies
			mustSave(t, e, tm)
			e.sb.SetFaults(f)
			ctx := context.Background()
			objs := people("retry", 3)
			id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "retry", Objects: objs})
			if err != nil {
				t.Fatal(err)
			}
			e.start(t)
			deadline := time.Now().Add(30 * time.Second)
			for !hasOutcome(t, e, id, OutcomeRetry) {
				if time.Now().After(deadline) {
					t.Fatal("no retry was recorded")
				}
				time.Sleep(10 * time.Millisecond)
			}
			e.sb.SetFaults(sandbox.Faults{})
			if v := e.wait(t, id, time.Minute); v.Status != store.RunSucceeded {
				t.Fatalf("run ended %s: %s", v.Status, v.Error)
			}
			checkExactlyOnce(t, e.sb, objs)
		})
	}
}

// TestPersistentFailureIsDeadLetteredWithTheReason: when the app keeps
// failing, the step gives up after its attempts and says why.
func TestPersistentFailureIsDeadLetteredWithTheReason(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := addOnly("hopeless")
	tm.Steps[0].MaxAttempts = 2
	mustSave(t, e, tm)
	e.sb.SetFaults(sandbox.Faults{ErrorRate: 1})
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "hopeless", Objects: people("hopeless", 1)})
	if err != nil {
		t.Fatal(err)
	}
	e.start(t)
	v := e.wait(t, id, time.Minute)
	if v.Status != store.RunFailed {
		t.Fatalf("run ended %s; want failed", v.Status)
	}
	acts, _, err := e.st.Queue().List(context.Background(), store.ActionFilter{RunID: id, State: store.ActionDead})
	if err != nil || len(acts) != 1 {
		t.Fatalf("dead actions: %+v, %v", acts, err)
	}
	if r := acts[0].DeadReason; !strings.Contains(r, "gave up after 2 attempts") || !strings.Contains(r, "check the app") {
		t.Errorf("dead-letter reason %q does not say what happened and what to do", r)
	}
}

func hasOutcome(t *testing.T, e *env, runID, outcome string) bool {
	t.Helper()
	es, _, err := e.st.Runs().Entries(context.Background(), runID, store.EntryFilter{Outcome: outcome})
	if err != nil {
		t.Fatal(err)
	}
	return len(es) > 0
}
