package orchestration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// strand claims the run's first action as a worker that "crashes" right
// after MarkSending, leaving it in doubt once its lease expires.
func strand(t *testing.T, e *env, runID string) {
	t.Helper()
	ctx := context.Background()
	acts, err := e.st.Queue().Claim(ctx, store.ClaimOptions{Worker: "crashed-host", Limit: 1, Lease: 50 * time.Millisecond})
	if err != nil || len(acts) != 1 || acts[0].RunID != runID {
		t.Fatalf("claim: %v %+v", err, acts)
	}
	if err := e.st.Queue().MarkSending(ctx, acts[0].ID, "crashed-host"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
}

func TestInDoubtWithoutVerifyIsDeadLetteredThenRetriedByAnAdmin(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := addOnly("bare")
	tm.Steps[0].Verify = nil // add-user is not idempotent and now cannot be checked
	mustSave(t, e, tm)
	ctx := context.Background()
	objs := people("doubt", 1)
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "bare", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	strand(t, e, id)
	e.start(t)
	v := e.wait(t, id, 30*time.Second)
	if v.Status != store.RunFailed || !strings.Contains(v.Error, "1 of 1") {
		t.Fatalf("run ended %s (%s); want failed", v.Status, v.Error)
	}
	es := e.entries(t, id, "")
	if len(es) != 1 || es[0].Outcome != OutcomeInDoubt {
		t.Fatalf("entries: %+v", es)
	}
	if n := len(e.sb.Requests()); n != 0 {
		t.Fatalf("an in-doubt call was sent again without a check (%d requests)", n)
	}
	n, err := e.eng.Retry(ctx, id, "")
	if err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	v = e.wait(t, id, 30*time.Second)
	if v.Status != store.RunSucceeded {
		t.Fatalf("after the retry the run is %s: %s", v.Status, v.Error)
	}
	checkExactlyOnce(t, e.sb, objs)
}

func TestInDoubtIsResolvedByTheVerificationLookup(t *testing.T) {
	e := newEnv(t, envOptions{})
	mustSave(t, e, onboarding("onb"))
	ctx := context.Background()
	objs := people("seen", 1)
	// The crashed host's call did reach Clockify: the user exists.
	objs[0].Attributes["mail"] = []string{"barbara.dev@example.com"}
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "onb", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	strand(t, e, id)
	e.start(t)
	if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	var steps []string
	for _, en := range e.entries(t, id, "") {
		steps = append(steps, en.Step+":"+en.Outcome)
	}
	if strings.Join(steps, " ") != "add:verify add:verified find:ok group:ok" {
		t.Errorf("entries = %v", steps)
	}
	if p := postsOf(e.sb); len(p) != 0 {
		t.Errorf("add-user was sent again although the lookup found the user: %v", p)
	}
}
