package orchestration

import (
	"context"
	"errors"
	"github.com/idbridge/idbridge/host/api"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

func TestOnboardingRunAddsUsersToTheirGroup(t *testing.T) {
	e := newEnv(t, envOptions{})
	mustSave(t, e, onboarding("onboard"))
	e.start(t)
	objs := people("onb", 5)
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "onboard", Trigger: "apply-now", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 30*time.Second)
	if v.Status != store.RunSucceeded || v.Summary.Succeeded != 5 {
		t.Fatalf("run ended %s with %+v (%s)", v.Status, v.Summary, v.Error)
	}
	var members []string
	for _, g := range e.sb.Groups(sandbox.DefaultWorkspaceID) {
		if g.ID == supportGroup {
			members = g.UserIDs
		}
	}
	for _, o := range objs {
		u := e.userByEmail(o.Attributes["mail"][0])
		if u == nil {
			t.Fatalf("%s was not added to the workspace", o.Attributes["mail"][0])
		}
		if !slices.Contains(members, u.ID) {
			t.Errorf("%s (%s) is not in the Support group", u.Email, u.ID)
		}
	}
	entries := e.entries(t, id, objs[0].ID)
	var steps []string
	for _, en := range entries {
		steps = append(steps, en.Step+":"+en.Outcome)
		if strings.Contains(string(en.Request)+string(en.Response), sandbox.DefaultAdminKey) {
			t.Errorf("entry %s shows the API key", en.Step)
		}
	}
	if want := []string{"add:ok", "find:ok", "group:ok"}; !slices.Equal(steps, want) {
		t.Errorf("entries = %v, want %v", steps, want)
	}
	if !strings.Contains(string(entries[0].Request), `"method":"POST"`) {
		t.Errorf("the add entry does not hold the request as sent: %s", entries[0].Request)
	}
}

func TestMissingValueFailsTheStepNamingMacroAndObject(t *testing.T) {
	e := newEnv(t, envOptions{})
	mustSave(t, e, addOnly("add"))
	e.start(t)
	objs := people("miss", 2)
	delete(objs[1].Attributes, "mail")
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "add", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 30*time.Second)
	if v.Status != store.RunPartial || v.Summary.Failed != 1 {
		t.Fatalf("run ended %s with %+v", v.Status, v.Summary)
	}
	es := e.entries(t, id, objs[1].ID)
	if len(es) != 1 || es[0].Outcome != OutcomeFailed {
		t.Fatalf("entries of the object without mail: %+v", es)
	}
	if !strings.Contains(es[0].Error, "%ad.mail%") || !strings.Contains(es[0].Error, objs[1].DN) {
		t.Errorf("error %q does not name the macro and the object", es[0].Error)
	}
	if got := postsOf(e.sb); got[200] != 1 || len(got) != 1 {
		t.Errorf("add-user requests by status = %v; want exactly one, for the object with mail", got)
	}
}

func TestFailureBranchIsTaken(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := onboarding("existing")
	tm.Steps[0].OnFailure = "find"
	mustSave(t, e, tm)
	e.start(t)
	// ada.owner is already a member: Clockify refuses to add her again.
	obj := outbound.Object{ID: "ada", DN: "CN=Ada,OU=Staff,DC=corp,DC=example",
		Attributes: map[string][]string{"mail": {"ada.owner@example.com"}}}
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "existing", Objects: []outbound.Object{obj}})
	if err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 30*time.Second)
	var steps []string
	for _, en := range e.entries(t, id, "ada") {
		steps = append(steps, en.Step+":"+en.Outcome)
	}
	if want := []string{"add:failed", "find:ok", "group:ok"}; !slices.Equal(steps, want) {
		t.Fatalf("entries = %v, want %v", steps, want)
	}
	if v.Status != store.RunSucceeded {
		t.Errorf("a failure handled by its branch should not fail the run; status %s (%s)", v.Status, v.Error)
	}
}

func TestDeactivationGuardWaitsForApproval(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := Template{ID: "offboard", Name: "Offboarding", MaxDeactivations: 2, Steps: []Step{
		{ID: "find", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}},
		{ID: "deactivate", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookDeactivateUser, Deactivates: true,
			Inputs: map[string]string{"userId": "%steps.find.userId%"}},
	}}
	mustSave(t, e, tm)
	e.start(t)
	var objs []outbound.Object
	for _, mail := range []string{"barbara.dev@example.com", "ken.sales@example.com", "linus.lead@example.com"} {
		objs = append(objs, outbound.Object{ID: mail, DN: "CN=" + mail + ",OU=Leavers,DC=corp,DC=example", Attributes: map[string][]string{"mail": {mail}}})
	}
	ctx := context.Background()
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "offboard", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	v, err := e.eng.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != StatusNeedsApproval || !strings.Contains(v.Error, "3 accounts") {
		t.Fatalf("run is %s (%s); want it to wait for approval", v.Status, v.Error)
	}
	if n := len(e.sb.Requests()); n != 0 {
		t.Fatalf("a run waiting for approval sent %d requests", n)
	}
	if u := e.userByEmail("ken.sales@example.com"); u.MembershipStatus == "INACTIVE" {
		t.Fatal("deactivated before approval")
	}
	if _, err := e.eng.Retry(ctx, id, ""); err == nil {
		t.Error("Retry of a run waiting for approval should be refused")
	}
	if err := e.eng.Approve(ctx, id); err != nil {
		t.Fatal(err)
	}
	v = e.wait(t, id, 30*time.Second)
	if v.Status != store.RunSucceeded {
		t.Fatalf("approved run ended %s: %s", v.Status, v.Error)
	}
	for _, o := range objs {
		if u := e.userByEmail(o.ID); u.MembershipStatus != "INACTIVE" {
			t.Errorf("%s is %s after the approved run", o.ID, u.MembershipStatus)
		}
	}
	if err := e.eng.Approve(ctx, id); !errors.Is(err, ErrNotWaiting) {
		t.Errorf("second Approve: %v, want ErrNotWaiting", err)
	}
}

func TestDeactivationGuardCancel(t *testing.T) {
	// The engine's default would let two through; the run's own limit
	// (an automation's) is stricter and wins.
	e := newEnv(t, envOptions{config: func(c *Config) { c.DeactivationLimit = 5 }})
	tm := Template{ID: "off", Name: "Off", Steps: []Step{
		{ID: "deactivate", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookDeactivateUser, Deactivates: true,
			Inputs: map[string]string{"userId": "%ad.employeeID%"}},
	}}
	mustSave(t, e, tm)
	e.start(t)
	objs := people("cancel", 2)
	ctx := context.Background()
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "off", Objects: objs, DeactivationLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := e.eng.Status(ctx, id); v.Status != StatusNeedsApproval {
		t.Fatalf("status %s; the run's own limit of 1 should hold 2 deactivations for approval", v.Status)
	}
	if err := e.eng.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	v, _ := e.eng.Status(ctx, id)
	if v.Status != store.RunCanceled {
		t.Fatalf("status %s after Cancel", v.Status)
	}
	if err := e.eng.Approve(ctx, id); !errors.Is(err, ErrNotWaiting) {
		t.Errorf("Approve after Cancel: %v", err)
	}
	if n := len(e.sb.Requests()); n != 0 {
		t.Errorf("a canceled run sent %d requests", n)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	mustSave(t, e, onboarding("dry"))
	e.start(t)
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "dry", Objects: people("dry", 2), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 30*time.Second)
	if v.Status != store.RunSucceeded {
		t.Fatalf("dry run ended %s", v.Status)
	}
	if n := len(e.sb.Requests()); n != 0 {
		t.Errorf("a dry run sent %d requests", n)
	}
	es := e.entries(t, id, "dry-00000")
	if len(es) == 0 || es[0].Outcome != OutcomePlanned || !strings.Contains(string(es[0].Request), "dry.0@corp.example") {
		t.Errorf("dry-run entries: %+v", es)
	}
}

func TestSaveRefusesLoopsNamingTheCycle(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := Template{ID: "loop", Steps: []Step{
		{ID: "a", Kind: KindCondition, Condition: `ad.department == "Sales"`},
		{ID: "b", Kind: KindDelay, Delay: Duration(time.Minute)},
		{ID: "c", Kind: KindCondition, Condition: `true`, OnSuccess: "end", OnFailure: "a"},
	}}
	_, err := e.eng.SaveTemplate(context.Background(), tm)
	if !errors.Is(err, ErrLoop) {
		t.Fatalf("err = %v, want ErrLoop", err)
	}
	if !strings.Contains(err.Error(), "a → b → c → a") {
		t.Errorf("error %q does not name the loop", err)
	}
	tm.Steps[2].OnFailure = "end"
	if _, err := e.eng.SaveTemplate(context.Background(), tm); err != nil {
		t.Errorf("without the back edge the template should save: %v", err)
	}
}

func TestSaveRefusesBadTemplates(t *testing.T) {
	e := newEnv(t, envOptions{})
	add := func(inputs map[string]string) Step {
		return Step{ID: "add", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUser, Inputs: inputs}
	}
	cases := []struct {
		name string
		tm   Template
		want []string
	}{
		{"unknown AD attribute", Template{ID: "t", Steps: []Step{add(map[string]string{"email": "%ad.mial%", "sendEmail": "false"})}},
			[]string{"%ad.mial%", "%ad.mail%"}},
		{"unknown namespace", Template{ID: "t", Steps: []Step{add(map[string]string{"email": "%user.mail%", "sendEmail": "false"})}},
			[]string{"unknown macro"}},
		{"unknown function", Template{ID: "t", Steps: []Step{add(map[string]string{"email": "%lowr(ad.mail)%", "sendEmail": "false"})}},
			[]string{"lowr"}},
		{"input not bound", Template{ID: "t", Steps: []Step{add(map[string]string{"email": "%ad.mail%"})}},
			[]string{"sendEmail", "not bound"}},
		{"no such input", Template{ID: "t", Steps: []Step{add(map[string]string{"email": "%ad.mail%", "sendEmail": "false", "name": "x"})}},
			[]string{`"name"`}},
		{"output of a later step", Template{ID: "t", Steps: []Step{
			{ID: "group", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUserToGroup,
				Inputs: map[string]string{"groupId": supportGroup, "userId": "%steps.find.userId%"}},
			{ID: "find", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}},
		}}, []string{"%steps.find.userId%"}},
		{"unknown webhook", Template{ID: "t", Steps: []Step{{ID: "x", Kind: KindWebhook, Integration: integ, Webhook: "fire-everyone"}}},
			[]string{"fire-everyone"}},
		{"bad condition", Template{ID: "t", Steps: []Step{{ID: "c", Kind: KindCondition, Condition: `ad.departmnt == "x"`}}},
			[]string{"Step 1 (c), condition, line 1, column 1: ad.departmnt"}},
		{"duplicate ids and dangling branch", Template{ID: "t", Steps: []Step{
			{ID: "c", Kind: KindCondition, Condition: "true", OnSuccess: "nowhere"},
			{ID: "c", Kind: KindDelay, Delay: Duration(time.Second)},
		}}, []string{"Step 2 (c), id: \"c\" is used twice", `Step 1 (c), next step on success: "nowhere"`}},
	}
	// The API's structured error keeps the JSON path of each problem for
	// the form; the message names steps in words. See decision 0229.
	fieldOf := map[string]string{"bad condition": "steps[0].condition", "duplicate ids and dangling branch": "steps[0].onSuccess"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.eng.SaveTemplate(context.Background(), tc.tm)
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("err = %v, want *InvalidError", err)
			}
			if strings.Contains(err.Error(), "steps[") || strings.Contains(err.Error(), "1:1:") {
				t.Errorf("error %q speaks of list indexes or bare positions", err)
			}
			if want := fieldOf[tc.name]; want != "" && !slices.ContainsFunc(inv.Fields, func(f api.FieldError) bool { return f.Field == want }) {
				t.Errorf("fields = %+v, want one at %s", inv.Fields, want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, err := e.eng.Template(context.Background(), "t"); !errors.Is(err, ErrNotFound) {
				t.Errorf("an invalid template was stored")
			}
		})
	}
}

func TestConditionBranches(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := Template{ID: "cond", Steps: []Step{
		{ID: "sales", Kind: KindCondition, Condition: `ad.department == "Sales"`, OnFailure: "end"},
		{ID: "add", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUser,
			Inputs: map[string]string{"email": "%lower(ad.mail)%", "sendEmail": "false"}},
	}}
	mustSave(t, e, tm)
	e.start(t)
	objs := people("cond", 2)
	objs[0].Attributes["department"] = []string{"Sales"}
	objs[0].Attributes["mail"] = []string{"Cond.Sales@Corp.Example"}
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "cond", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	if e.userByEmail("cond.sales@corp.example") == nil {
		t.Error("the Sales user was not added")
	}
	if e.userByEmail("cond.1@corp.example") != nil {
		t.Error("the Support user was added though the condition was false")
	}
	if u := e.userByEmail("cond.sales@corp.example"); u != nil && u.Email != "cond.sales@corp.example" {
		t.Errorf("lower() was not applied: %s", u.Email)
	}
}

// TestRateWaitsAreReported: every call's wait for its lane's budget
// reaches Config.RateWait, which the host turns into a metric.
func TestRateWaitsAreReported(t *testing.T) {
	var mu sync.Mutex
	waits := map[string]int{}
	e := newEnv(t, envOptions{config: func(c *Config) {
		c.RateWait = func(lane string, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			if d >= 0 {
				waits[lane]++
			}
		}
	}})
	tm := Template{ID: "find", Name: "Find", Steps: []Step{
		{ID: "find", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}},
	}}
	mustSave(t, e, tm)
	e.start(t)
	var objs []outbound.Object
	for _, mail := range []string{"barbara.dev@example.com", "ken.sales@example.com", "linus.lead@example.com"} {
		objs = append(objs, outbound.Object{ID: mail, DN: "CN=" + mail + ",DC=corp,DC=example", Attributes: map[string][]string{"mail": {mail}}})
	}
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "find", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if waits[integ] < len(objs) {
		t.Fatalf("rate waits reported %v; want at least %d for lane %q", waits, len(objs), integ)
	}
}
