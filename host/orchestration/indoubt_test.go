package orchestration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify"
)

// strand claims the run's first action as a worker that "crashes" right
// after MarkSending, and releases its lease as a restarted host does, so the
// action is in doubt at its next claim. It returns the stranded action.
func strand(t *testing.T, e *env, runID string) store.Action {
	t.Helper()
	ctx := context.Background()
	acts, err := e.st.Queue().Claim(ctx, store.ClaimOptions{Worker: "crashed-host", Limit: 1, Lease: time.Minute})
	if err != nil || len(acts) != 1 || acts[0].RunID != runID {
		t.Fatalf("claim: %v %+v", err, acts)
	}
	if err := e.st.Queue().MarkSending(ctx, acts[0].ID, "crashed-host"); err != nil {
		t.Fatal(err)
	}
	if n, err := e.st.Queue().Release(ctx, "crashed-host"); err != nil || n != 1 {
		t.Fatalf("release: %d, %v", n, err)
	}
	return acts[0]
}

// runStranded starts a run whose first action a crashed host left in
// doubt, runs the engine and waits for the run to succeed.
func runStranded(t *testing.T, e *env, template string, objs []outbound.Object) string {
	t.Helper()
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: template, Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	strand(t, e, id)
	e.start(t)
	if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	return id
}

// stepOutcomes lists a run's entries as step:outcome.
func stepOutcomes(t *testing.T, e *env, id string) string {
	t.Helper()
	var steps []string
	for _, en := range e.entries(t, id, "") {
		steps = append(steps, en.Step+":"+en.Outcome)
	}
	return strings.Join(steps, " ")
}

func TestInDoubtWithoutVerifyIsDeadLetteredThenRetriedByAnAdmin(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := addOnly("bare")
	// add-user is not idempotent; the step chooses to leave calls in doubt
	// to an admin instead of the lookup its webhook declares.
	tm.Steps[0].Verify, tm.Steps[0].InDoubt = nil, InDoubtAdmin
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
	objs := people("seen", 1)
	// The crashed host's call did reach Clockify: the user exists.
	objs[0].Attributes["mail"] = []string{"barbara.dev@example.com"}
	id := runStranded(t, e, "onb", objs)
	if steps := stepOutcomes(t, e, id); steps != "add:verify add:verified find:ok group:ok" {
		t.Errorf("entries = %v", steps)
	}
	if p := postsOf(e.sb); len(p) != 0 {
		t.Errorf("add-user was sent again although the lookup found the user: %v", p)
	}
}

// TestDeclaredVerifySettlesAnInDoubtAddWithoutATemplateVerify: the
// template's add step names no verify, so the one add-user declares in
// Describe (find-user-by-email) settles the stranded call.
func TestDeclaredVerifySettlesAnInDoubtAddWithoutATemplateVerify(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := addOnly("declared")
	tm.Steps[0].Verify = nil
	saved, err := e.eng.SaveTemplate(context.Background(), tm)
	if err != nil {
		t.Fatal(err)
	}
	if v := saved.Steps[0].Verify; v == nil || v.Webhook != clockify.WebhookFindUserByEmail || v.Inputs["email"] != "%ad.mail%" {
		t.Fatalf("saved step verify = %+v; want the declared find-user-by-email bound to the step's email", v)
	}
	objs := people("declared", 1)
	objs[0].Attributes["mail"] = []string{"barbara.dev@example.com"} // the stranded call reached Clockify
	id := runStranded(t, e, "declared", objs)
	if p := postsOf(e.sb); len(p) != 0 {
		t.Errorf("add-user was sent again although the declared lookup found the user: %v", p)
	}
	if steps := stepOutcomes(t, e, id); steps != "add:verify add:verified" {
		t.Errorf("entries = %v", steps)
	}
}

// TestUnverifiableStepIsRefusedAtSaveUnlessItSendsDoubtsToAnAdmin: a
// custom POST webhook declares nothing; a step calling it is refused until
// it names a verify or InDoubtAdmin.
func TestUnverifiableStepIsRefusedAtSaveUnlessItSendsDoubtsToAnAdmin(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	if _, err := e.hooks.Save(ctx, outbound.Webhook{ID: "invite", Integration: integ, Name: "Invite",
		Method: "POST", URL: "/v1/workspaces/{WorkspaceID}/users", MessageType: outbound.MessageJSON, Body: `{"email":"%email%"}`}); err != nil {
		t.Fatal(err)
	}
	tm := Template{ID: "raw", Name: "Raw", Steps: []Step{{ID: "invite", Kind: KindWebhook, Integration: integ, Webhook: "invite",
		Inputs: map[string]string{"email": "%ad.mail%"}}}}
	_, err := e.eng.SaveTemplate(ctx, tm)
	var inv *InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "not idempotent") || !strings.Contains(err.Error(), `"admin"`) {
		t.Fatalf("save = %v; want a refusal naming the missing verify and inDoubt", err)
	}
	if _, err := e.eng.Template(ctx, "raw"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the refused template was stored: %v", err)
	}
	tm.Steps[0].InDoubt = InDoubtAdmin
	mustSave(t, e, tm)
	tm.Steps[0].InDoubt = ""
	tm.Steps[0].Verify = &Verify{Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}}
	mustSave(t, e, tm)
	tm.Steps[0].Verify, tm.Steps[0].InDoubt = nil, "later"
	if _, err := e.eng.SaveTemplate(ctx, tm); err == nil || !strings.Contains(err.Error(), "inDoubt") {
		t.Fatalf("an unknown inDoubt value was accepted: %v", err)
	}
}

// TestCallSettledFromTheJournalHasItsRunEntry: the host died after the
// journal entry of an answered call and before the run entry; the restart
// settles the action from the journal and the run shows the call once,
// also when the run entry had been written before the crash.
func TestCallSettledFromTheJournalHasItsRunEntry(t *testing.T) {
	for _, recordedBefore := range []bool{false, true} {
		t.Run(fmt.Sprintf("recorded before the crash %v", recordedBefore), func(t *testing.T) {
			e := newEnv(t, envOptions{})
			mustSave(t, e, addOnly("journal"))
			ctx := context.Background()
			objs := people("journal", 1)
			id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "journal", Objects: objs})
			if err != nil {
				t.Fatal(err)
			}
			a := strand(t, e, id)
			if err := e.st.Put(ctx, DocJournal, a.Key, journal{Done: true, Outcome: OutcomeOK, Outputs: map[string][]string{"workspaceId": {"w"}}}); err != nil {
				t.Fatal(err)
			}
			if recordedBefore {
				if err := e.st.Runs().Append(ctx, store.RunEntry{RunID: id, ObjectID: a.ObjectID, Step: "add", Outcome: OutcomeOK}); err != nil {
					t.Fatal(err)
				}
			}
			e.start(t)
			if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
				t.Fatalf("run ended %s: %s", v.Status, v.Error)
			}
			if steps := stepOutcomes(t, e, id); steps != "add:ok" {
				t.Errorf("entries = %q; want the journaled call once", steps)
			}
			if n := len(e.sb.Requests()); n != 0 {
				t.Errorf("the journaled call was sent again (%d requests)", n)
			}
		})
	}
}

// settleFailsOnce refuses the first settlement of step, as a store that
// has just run out of room refuses a write that needs a new page, while
// smaller writes (Fail) still go through.
type settleFailsOnce struct {
	store.Backend
	step   string
	failed *atomic.Bool
}

func (s settleFailsOnce) Queue() store.Queue { return settleFailsOnceQueue{s.Backend.Queue(), s} }

type settleFailsOnceQueue struct {
	store.Queue
	s settleFailsOnce
}

func (q settleFailsOnceQueue) Settle(ctx context.Context, set store.Settlement) error {
	a, err := q.Queue.Get(ctx, set.ID)
	if err == nil && a.StepID == q.s.step && q.s.failed.CompareAndSwap(false, true) {
		return errDiskFull
	}
	return q.Queue.Settle(ctx, set)
}

// TestInDoubtStaysInDoubtWhenItsSettlementFails: a stranded add is verified
// (the user exists), but writing that outcome fails. The action must stay
// in doubt, so the next attempt verifies again; clearing the doubt because
// this attempt sent nothing would send add-user a second time. See
// decision 0253.
func TestInDoubtStaysInDoubtWhenItsSettlementFails(t *testing.T) {
	failed := &atomic.Bool{}
	e := newEnv(t, envOptions{store: settleFailsOnce{store.NewMemory(nil), "add", failed}})
	mustSave(t, e, onboarding("refused"))
	objs := people("refused", 1)
	objs[0].Attributes["mail"] = []string{"barbara.dev@example.com"} // the stranded call reached Clockify
	id := runStranded(t, e, "refused", objs)
	if !failed.Load() {
		t.Fatal("the settlement was never refused")
	}
	if p := postsOf(e.sb); len(p) != 0 {
		t.Errorf("add-user was sent again after a refused settlement: %v", p)
	}
	if steps := stepOutcomes(t, e, id); !strings.HasPrefix(steps, "add:verify add:verify add:verified") {
		t.Errorf("entries = %v; want the add verified twice", steps)
	}
}
