package orchestration

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// markCounting counts the calls marked as about to be sent.
type markCounting struct {
	store.Backend
	marks *atomic.Int32
}

func (s markCounting) Queue() store.Queue { return markCountingQueue{s.Backend.Queue(), s.marks} }

type markCountingQueue struct {
	store.Queue
	marks *atomic.Int32
}

func (q markCountingQueue) MarkSending(ctx context.Context, id int64, w string) error {
	q.marks.Add(1)
	return q.Queue.MarkSending(ctx, id, w)
}

// TestOnlyCallsThatCanBeInDoubtAreMarked: of the onboarding template's
// calls, only the add (not idempotent, settled by its verify after a
// crash) is marked as about to be sent; the lookup and the group add
// (idempotent, sent again when interrupted) go out unmarked. Every call
// still counts one attempt. See decision 0251.
func TestOnlyCallsThatCanBeInDoubtAreMarked(t *testing.T) {
	marks := &atomic.Int32{}
	e := newEnv(t, envOptions{store: markCounting{store.NewMemory(nil), marks}})
	mustSave(t, e, onboarding("marks"))
	objs := people("marks", 6)
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "marks", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	e.start(t)
	if v := e.wait(t, id, time.Minute); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	if n := int(marks.Load()); n != len(objs) {
		t.Errorf("%d calls marked, want %d (the adds only)", n, len(objs))
	}
	acts, _, err := e.st.Queue().List(context.Background(), store.ActionFilter{RunID: id, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 3*len(objs) {
		t.Fatalf("%d actions, want %d", len(acts), 3*len(objs))
	}
	for _, a := range acts {
		if a.State != store.ActionDone || a.Attempts != 1 {
			t.Errorf("action %s/%s: %s after %d attempts, want done after 1", a.ObjectID, a.StepID, a.State, a.Attempts)
		}
	}
	checkExactlyOnce(t, e.sb, objs)
}

// TestUnmarkedCallChecksItsLease: without MarkSending, which refuses an
// expired lease, the engine itself refuses to send a call whose lease ran
// out while it waited for the rate limit; the action stays for its next
// holder, unsent.
func TestUnmarkedCallChecksItsLease(t *testing.T) {
	e := newEnv(t, envOptions{config: func(c *Config) { c.Worker = "slow-host" }})
	mustSave(t, e, fieldTemplate())
	ctx := context.Background()
	objs := fieldObjects(e.sb.Users(sandbox.DefaultWorkspaceID))[:1]
	if _, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "field", Objects: objs}); err != nil {
		t.Fatal(err)
	}
	acts, err := e.st.Queue().Claim(ctx, store.ClaimOptions{Worker: "slow-host", Lease: time.Minute})
	if err != nil || len(acts) != 1 {
		t.Fatalf("claim: %d, %v", len(acts), err)
	}
	a := acts[0]
	a.LeaseUntil = time.Now().Add(-time.Second) // as if it ran out meanwhile
	if err := e.eng.execute(ctx, a); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("execute with an expired lease: %v, want ErrLeaseLost", err)
	}
	for _, r := range e.sb.Requests() {
		if r.Method == "PUT" {
			t.Fatalf("a call went out on an expired lease: %s %s", r.Method, r.Path)
		}
	}
	if got, _ := e.st.Queue().Get(ctx, a.ID); got.State != store.ActionClaimed || got.Attempts != 0 {
		t.Fatalf("action after the refused send = %+v, want claimed, no attempt", got)
	}
}
