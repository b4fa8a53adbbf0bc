package templates_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/templates"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// preconfigured are the webhooks the fixture's connector describes.
var preconfigured = []*connectorv1.WebhookSpec{
	{Id: "find-user", Method: "GET", Idempotent: true, Url: "/users", Query: []*connectorv1.KeyValue{{Name: "email", Value: "%email%"}}},
	{Id: "add-user", Method: "POST", Url: "/users", Body: `{"email":"%email%"}`,
		Verify: &connectorv1.VerifySpec{Webhook: "find-user"}},
	{Id: "delete-team", Method: "DELETE", Url: "/teams/%teamId%"},
}

func fixture(t *testing.T) templates.Template {
	t.Helper()
	all, err := templates.Load(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := templates.Find(all, "acme-onboarding")
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func TestFixtureChecks(t *testing.T) {
	if err := templates.Check(fixture(t), preconfigured); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRefusesUnknownFields(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/x.json", []byte(`{"id":"x","stpes":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := templates.Load(os.DirFS(dir)); err == nil || !strings.Contains(err.Error(), "stpes") {
		t.Fatalf("Load = %v, want the unknown field named", err)
	}
}

func TestFindNamesWhatThereIs(t *testing.T) {
	_, err := templates.Find([]templates.Template{fixture(t)}, "nope")
	if err == nil || !strings.Contains(err.Error(), "acme-onboarding") {
		t.Fatalf("Find = %v, want the ids there are", err)
	}
}

// TestCheckRefuses breaks the valid fixture in each way Validate and Check
// must catch.
func TestCheckRefuses(t *testing.T) {
	cases := map[string]struct {
		edit func(*templates.Template)
		want string
	}{
		"loop":             {func(tp *templates.Template) { tp.Steps[2].OnSuccess = "lookup" }, "would loop"},
		"unknown branch":   {func(tp *templates.Template) { tp.Steps[0].OnFailure = "nowhere" }, "unknown step"},
		"missing input":    {func(tp *templates.Template) { delete(tp.Steps[1].Inputs, "email") }, `needs the input "email"`},
		"extra input":      {func(tp *templates.Template) { tp.Steps[1].Inputs["colour"] = "red" }, `no input "colour"`},
		"unknown webhook":  {func(tp *templates.Template) { tp.Steps[1].Webhook = "delete-user" }, `unknown webhook "delete-user"`},
		"no webhook":       {func(tp *templates.Template) { tp.Steps[1].Webhook = "" }, "name the webhook"},
		"empty condition":  {func(tp *templates.Template) { tp.Steps[2].Condition = "" }, "needs a condition"},
		"duplicate id":     {func(tp *templates.Template) { tp.Steps[2].ID = "lookup" }, "used twice"},
		"bad kind":         {func(tp *templates.Template) { tp.Steps[2].Kind = "email" }, `kind "email"`},
		"no name":          {func(tp *templates.Template) { tp.Name = "" }, "id and name are required"},
		"clashing hook":    {func(tp *templates.Template) { tp.Webhooks[0].ID = "add-user" }, "has the id of a preconfigured one"},
		"hook without url": {func(tp *templates.Template) { tp.Webhooks[0].URL = "" }, "needs an id, a method and a url"},
		"unverifiable call": {func(tp *templates.Template) {
			tp.Steps = append(tp.Steps, templates.Step{ID: "drop", Kind: templates.StepWebhook, Webhook: "delete-team",
				Inputs: map[string]string{"teamId": "%steps.team.teamId%"}})
		}, "not idempotent"},
		"bad inDoubt": {func(tp *templates.Template) { tp.Steps[1].InDoubt = "retry" }, `inDoubt "retry" must be empty or "admin"`},
		"bad delay": {func(tp *templates.Template) {
			tp.Steps = append(tp.Steps, templates.Step{ID: "wait", Kind: templates.StepDelay, Delay: "soon"})
		}, "not a positive duration"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tp := clone(fixture(t))
			tc.edit(&tp)
			err := templates.Check(tp, preconfigured)
			if !errors.Is(err, templates.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check = %v, want an ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

// TestCheckAcceptsAnUnverifiableCallSentToAnAdmin: the explicit choice
// lets the step through.
func TestCheckAcceptsAnUnverifiableCallSentToAnAdmin(t *testing.T) {
	tp := clone(fixture(t))
	tp.Steps = append(tp.Steps, templates.Step{ID: "drop", Kind: templates.StepWebhook, Webhook: "delete-team",
		Inputs: map[string]string{"teamId": "%steps.team.teamId%"}, InDoubt: templates.InDoubtAdmin})
	if err := templates.Check(tp, preconfigured); err != nil {
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
	out.Webhooks = append([]templates.Webhook(nil), tp.Webhooks...)
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
	tp := fixture(t)
	got := tp.ForIntegration("acme-prod")
	for _, s := range got.Steps {
		want := ""
		if s.Kind == templates.StepWebhook {
			want = "acme-prod"
		}
		if s.Integration != want {
			t.Errorf("step %s calls through %q, want %q", s.ID, s.Integration, want)
		}
	}
	if tp.Steps[0].Integration != "" {
		t.Error("ForIntegration changed the loaded template")
	}
}
