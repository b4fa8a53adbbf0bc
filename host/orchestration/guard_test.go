package orchestration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify"
)

// guardObjects are four users: two in Sales, two in Support; one with a
// title that starts with "Man", one with another title, two without.
func guardObjects() []outbound.Object {
	obj := func(id, dept, title string) outbound.Object {
		attrs := map[string][]string{"mail": {id + "@corp.example"}, "department": {dept}}
		if title != "" {
			attrs["title"] = []string{title}
		}
		return outbound.Object{ID: id, DN: "CN=" + id + ",OU=Staff,DC=corp,DC=example", Kind: outbound.KindUser, Attributes: attrs}
	}
	return []outbound.Object{
		obj("sales-manager", "Sales", "Manager"),
		obj("support-intern", "Support", "Intern"),
		obj("support-untitled", "Support", ""),
		obj("sales-untitled", "Sales", ""),
	}
}

func disable(id string) Step {
	return Step{ID: id, Kind: KindAD, AD: &ADAction{Action: ADDisable}}
}

func findStep(onSuccess, onFailure string) Step {
	return Step{ID: "find", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookFindUserByEmail,
		Inputs: map[string]string{"email": "%ad.mail%"}, OnSuccess: onSuccess, OnFailure: onFailure}
}

func deactivateStep() Step {
	return Step{ID: "deactivate", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookDeactivateUser, Deactivates: true,
		Inputs: map[string]string{"userId": "%steps.find.userId%"}}
}

// TestDeactivationGuardCountsWhatConditionsLetThrough starts runs without
// a worker, so nothing executes, and reads what the guard counted for each
// template over guardObjects.
func TestDeactivationGuardCountsWhatConditionsLetThrough(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	sales := `ad.department == "Sales"`
	cases := []struct {
		name  string
		steps []Step
		want  int
	}{
		{"object-only condition in front", []Step{
			{ID: "sales", Kind: KindCondition, Condition: sales},
			disable("off"),
		}, 2},
		{"deactivation on the condition's false branch", []Step{
			{ID: "sales", Kind: KindCondition, Condition: sales, OnSuccess: End, OnFailure: "off"},
			disable("off"),
		}, 2},
		{"a delay continues", []Step{
			{ID: "sales", Kind: KindCondition, Condition: sales},
			{ID: "wait", Kind: KindDelay, Delay: Duration(time.Hour)},
			disable("off"),
		}, 2},
		{"two conditions in a row", []Step{
			{ID: "sales", Kind: KindCondition, Condition: sales},
			{ID: "manager", Kind: KindCondition, Condition: `has(ad.title) && ad.title == "Manager"`},
			disable("off"),
		}, 1},
		{"condition reading steps counts everyone", []Step{
			findStep("", End),
			{ID: "found", Kind: KindCondition, Condition: `steps.find.userId != "" && ` + sales},
			deactivateStep(),
		}, 4},
		{"has(steps...) is not decided before the run", []Step{
			// Evaluated with no step run, has() is false for everyone; the
			// run itself may well find the user.
			findStep("", End),
			{ID: "found", Kind: KindCondition, Condition: `has(steps.find.userId)`},
			deactivateStep(),
		}, 4},
		{"deactivation reachable only through a call's failure", []Step{
			{ID: "sales", Kind: KindCondition, Condition: sales},
			findStep(End, "off"),
			disable("off"),
		}, 2},
		{"condition that fails to evaluate counts the object", []Step{
			// Objects without a title make the expression fail.
			{ID: "manager", Kind: KindCondition, Condition: `ad.title.startsWith("Man")`},
			disable("off"),
		}, 3},
		{"object condition after a move is not decided before the run", []Step{
			{ID: "move", Kind: KindAD, AD: &ADAction{Action: ADMove, Target: "OU=Leavers,DC=corp,DC=example"}},
			{ID: "left", Kind: KindCondition, Condition: `object.parent == "OU=Leavers,DC=corp,DC=example"`},
			disable("off"),
		}, 4},
		{"object condition without a move is decided", []Step{
			{ID: "left", Kind: KindCondition, Condition: `object.parent == "OU=Leavers,DC=corp,DC=example"`},
			disable("off"),
		}, 0},
		{"no deactivating step", []Step{
			findStep("", ""),
		}, 0},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tm := Template{ID: "guard" + string(rune('a'+i)), Name: tc.name, Steps: tc.steps}
			mustSave(t, e, tm)
			id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: tm.ID, Objects: guardObjects(), DeactivationLimit: -1})
			if err != nil {
				t.Fatal(err)
			}
			v, err := e.eng.Status(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if v.Deactivations != tc.want {
				t.Errorf("the guard counted %d deactivations, want %d", v.Deactivations, tc.want)
			}
			if v.Status != store.RunRunning {
				t.Errorf("status %s; a run without a limit should not wait", v.Status)
			}
		})
	}
}

// TestDeactivationGuardLetsARunUnderTheLimitThanksToItsCondition: three
// leavers, a limit of two, and a condition that sends only the Sales user
// to the deactivation. Counting every object would stop the run.
func TestDeactivationGuardLetsARunUnderTheLimitThanksToItsCondition(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := Template{ID: "sales-offboard", Name: "Sales offboarding", MaxDeactivations: 2, Steps: []Step{
		{ID: "sales", Kind: KindCondition, Condition: `ad.department == "Sales"`},
		findStep("", ""),
		deactivateStep(),
	}}
	mustSave(t, e, tm)
	e.start(t)
	var objs []outbound.Object
	for _, p := range []struct{ mail, dept string }{
		{"barbara.dev@example.com", "Engineering"}, {"ken.sales@example.com", "Sales"}, {"linus.lead@example.com", "Engineering"},
	} {
		objs = append(objs, outbound.Object{ID: p.mail, DN: "CN=" + p.mail + ",OU=Leavers,DC=corp,DC=example",
			Attributes: map[string][]string{"mail": {p.mail}, "department": {p.dept}}})
	}
	ctx := context.Background()
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: tm.ID, Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	v := e.wait(t, id, 30*time.Second)
	if v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s (%s); one deactivation is under the limit of 2 and should not wait", v.Status, v.Error)
	}
	if v.Deactivations != 1 {
		t.Errorf("the run records %d deactivations, want 1", v.Deactivations)
	}
	if u := e.userByEmail("ken.sales@example.com"); u == nil || u.MembershipStatus != "INACTIVE" {
		t.Errorf("the Sales user was not deactivated: %+v", u)
	}
	for _, mail := range []string{"barbara.dev@example.com", "linus.lead@example.com"} {
		if u := e.userByEmail(mail); u == nil || u.MembershipStatus == "INACTIVE" {
			t.Errorf("%s was deactivated though the condition kept them out: %+v", mail, u)
		}
	}
}

// TestDeactivationGuardStillWaitsWhenConditionsCannotDecide: a condition
// that reads a lookup's output holds every object for approval, and the
// message quotes the count.
func TestDeactivationGuardStillWaitsWhenConditionsCannotDecide(t *testing.T) {
	e := newEnv(t, envOptions{})
	tm := Template{ID: "found-off", Name: "Found offboarding", MaxDeactivations: 3, Steps: []Step{
		findStep("", End),
		{ID: "found", Kind: KindCondition, Condition: `steps.find.userId != ""`},
		deactivateStep(),
	}}
	mustSave(t, e, tm)
	e.start(t)
	ctx := context.Background()
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: tm.ID, Objects: guardObjects()})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.eng.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != StatusNeedsApproval || !strings.Contains(v.Error, "4 accounts") || !strings.Contains(v.Error, "limit of 3") {
		t.Fatalf("run is %s (%s); want it to wait quoting 4 accounts over a limit of 3", v.Status, v.Error)
	}
	if n := len(e.sb.Requests()); n != 0 {
		t.Errorf("a run waiting for approval sent %d requests", n)
	}
}

// TestCanDeactivateVisitsEachStepOnce walks a step graph with a loop, which
// validation refuses but a compiled template is not trusted to lack: the
// walk ends, and still finds a deactivation behind the loop.
func TestCanDeactivateVisitsEachStepOnce(t *testing.T) {
	build := func(steps ...Step) *compiled {
		tm := &Template{ID: "loop", Steps: steps}
		c := &compiled{t: tm, idx: tm.stepIndex()}
		for _, s := range steps {
			c.steps = append(c.steps, &compiledStep{Step: s})
		}
		return c
	}
	ctx := context.Background()
	loop := build(
		Step{ID: "a", Kind: KindDelay, Delay: Duration(time.Second)},
		Step{ID: "b", Kind: KindWebhook, OnSuccess: "a", OnFailure: "a"},
	)
	done := make(chan bool, 1)
	go func() { done <- loop.canDeactivate(ctx, nil) }()
	select {
	case got := <-done:
		if got {
			t.Error("a loop without a deactivating step was counted")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the walk did not end on a loop")
	}
	behind := build(
		Step{ID: "a", Kind: KindDelay, Delay: Duration(time.Second)},
		Step{ID: "b", Kind: KindWebhook, OnSuccess: "a", OnFailure: "off"},
		disable("off"),
	)
	if !behind.canDeactivate(ctx, nil) {
		t.Error("a deactivation behind a loop's failure branch was missed")
	}
	o := guardObjects()[0]
	if n := countDeactivations(ctx, behind, []outbound.Object{o, o}); n != 2 {
		t.Errorf("countDeactivations = %d, want 2", n)
	}
}

func TestReadsRunData(t *testing.T) {
	cases := []struct {
		expr  string
		moved bool
		want  bool
	}{
		{`ad.department == "Sales"`, true, false},
		{`steps.find.userId != ""`, false, true},
		{`has(steps.find.userId)`, false, true},
		{`steps["find"].userId == "x"`, false, true},
		{`object.parent == "OU=X"`, false, false},
		{`object.parent == "OU=X"`, true, true},
		{`ad.department ==`, false, true},
	}
	for _, tc := range cases {
		if got := readsRunData(tc.expr, tc.moved); got != tc.want {
			t.Errorf("readsRunData(%q, moved=%v) = %v, want %v", tc.expr, tc.moved, got, tc.want)
		}
	}
}
