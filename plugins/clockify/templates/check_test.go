package templates_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/templates"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// described returns the connector's preconfigured webhooks as the host
// sees them, through Describe.
func described(t *testing.T) []*connectorv1.WebhookSpec {
	t.Helper()
	c := connectortest.InProcess(t, clockify.Connector())
	d, err := c.Describe(context.Background(), &connectorv1.DescribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return d.GetWebhooks()
}

var settings = []string{clockify.SettingWorkspaceID, clockify.SettingBaseURL}

func TestShippedTemplatesAreValid(t *testing.T) {
	all, err := templates.All()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"clockify-move", "clockify-offboarding", "clockify-onboarding", "clockify-return"}
	var ids []string
	for _, tp := range all {
		ids = append(ids, tp.ID)
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Fatalf("shipped templates %v, want %v", ids, want)
	}
	hooks := described(t)
	for _, tp := range all {
		if err := templates.Check(tp, hooks, settings); err != nil {
			t.Errorf("%s: %v", tp.ID, err)
		}
		if len(tp.Trigger.Events) == 0 {
			t.Errorf("%s suggests no trigger", tp.ID)
		}
	}
}

func TestGetNamesWhatShips(t *testing.T) {
	if _, err := templates.Get("clockify-onboarding"); err != nil {
		t.Fatal(err)
	}
	_, err := templates.Get("clockify-nope")
	if err == nil || !strings.Contains(err.Error(), "clockify-onboarding") {
		t.Fatalf("unknown id: %v, want the list of shipped ids", err)
	}
}

// TestCheckRefuses breaks a valid template in each way Check must catch.
func TestCheckRefuses(t *testing.T) {
	hooks := described(t)
	base, err := templates.Get("clockify-onboarding")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		edit func(*templates.Template)
		want string
	}{
		"loop":            {func(tp *templates.Template) { tp.Steps[2].OnSuccess = "lookup" }, "would loop"},
		"unknown branch":  {func(tp *templates.Template) { tp.Steps[0].OnFailure = "nowhere" }, "unknown step"},
		"unknown macro":   {func(tp *templates.Template) { tp.Steps[1].Inputs["email"] = "%lower(ad.mail)%%steps.later.userId%" }, "steps.later.userId"},
		"future output":   {func(tp *templates.Template) { tp.Steps[0].Inputs["email"] = "%steps.member.userId%" }, "steps.member.userId"},
		"missing input":   {func(tp *templates.Template) { delete(tp.Steps[1].Inputs, "sendEmail") }, `needs the input "sendEmail"`},
		"extra input":     {func(tp *templates.Template) { tp.Steps[1].Inputs["colour"] = "red" }, `no input "colour"`},
		"unknown webhook": {func(tp *templates.Template) { tp.Steps[1].Webhook = "delete-user" }, `unknown webhook "delete-user"`},
		"bad condition":   {func(tp *templates.Template) { tp.Steps[3].Condition = "ad.department" }, "condition"},
		"duplicate id":    {func(tp *templates.Template) { tp.Steps[2].ID = "lookup" }, "used twice"},
		"unverifiable call": {func(tp *templates.Template) {
			tp.Steps = append(tp.Steps, templates.Step{ID: "dropGroup", Kind: templates.StepWebhook, Webhook: "delete-group",
				Inputs: map[string]string{"groupId": "%steps.findGroup.groupId%"}})
		}, "not idempotent"},
		"bad delay": {func(tp *templates.Template) {
			tp.Steps = append(tp.Steps, templates.Step{ID: "wait", Kind: templates.StepDelay, Delay: "soon"})
		}, "not a positive duration"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tp := clone(base)
			tc.edit(&tp)
			err := templates.Check(tp, hooks, settings)
			if !errors.Is(err, templates.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check = %v, want an ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

// TestCheckAcceptsAnUnverifiableCallSentToAnAdmin: the explicit choice
// lets the step through.
func TestCheckAcceptsAnUnverifiableCallSentToAnAdmin(t *testing.T) {
	base, err := templates.Get("clockify-onboarding")
	if err != nil {
		t.Fatal(err)
	}
	tp := clone(base)
	tp.Steps = append(tp.Steps, templates.Step{ID: "dropGroup", Kind: templates.StepWebhook, Webhook: "delete-group",
		Inputs: map[string]string{"groupId": "%steps.findGroup.groupId%"}, InDoubt: templates.InDoubtAdmin})
	if err := templates.Check(tp, described(t), settings); err != nil {
		t.Fatal(err)
	}
}

func clone(tp templates.Template) templates.Template {
	out := tp
	out.Steps = nil
	for _, s := range tp.Steps {
		in := map[string]string{}
		for k, v := range s.Inputs {
			in[k] = v
		}
		s.Inputs = in
		out.Steps = append(out.Steps, s)
	}
	return out
}

func TestPlaceholders(t *testing.T) {
	w, _ := (templates.Template{Webhooks: []templates.Webhook{{ID: "x", URL: "/a/%one%/b", Body: `{"v":"%two%","w":"%one%"}`,
		Outputs: []templates.Output{{Name: "o", Path: "[k=%three%].id"}}}}}).Webhook("x")
	got := templates.Placeholders(w.Spec())
	if strings.Join(got, ",") != "one,two,three" {
		t.Fatalf("placeholders %v", got)
	}
}

func TestForIntegrationFillsWebhookSteps(t *testing.T) {
	tp, err := templates.Get("clockify-offboarding")
	if err != nil {
		t.Fatal(err)
	}
	got := tp.ForIntegration("clockify-prod")
	for _, s := range got.Steps {
		want := ""
		if s.Kind == templates.StepWebhook {
			want = "clockify-prod"
		}
		if s.Integration != want {
			t.Errorf("step %s calls through %q, want %q", s.ID, s.Integration, want)
		}
	}
	if tp.Steps[0].Integration != "" {
		t.Error("ForIntegration changed the shipped template")
	}
}
