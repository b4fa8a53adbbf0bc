package automation_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/marketplace/templates"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/scim"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// TestCheckTemplateChecksMacros breaks a valid template in the ways only
// the host can see: macros and conditions are its language.
func TestCheckTemplateChecksMacros(t *testing.T) {
	hooks := []*connectorv1.WebhookSpec{
		{Id: "find", Method: "GET", Idempotent: true, Url: "/users?email=%email%", Outputs: []*connectorv1.OutputSpec{{Name: "userId", Path: "[0].id"}}},
		{Id: "join", Method: "PUT", Idempotent: true, Url: "/groups/%group%/members", Body: `{"user":"%user%"}`},
	}
	base := func() templates.Template {
		return templates.Template{ID: "t", Name: "T", Steps: []templates.Step{
			{ID: "lookup", Kind: templates.StepWebhook, Webhook: "find", Inputs: map[string]string{"email": "%lower(ad.mail)%"}},
			{ID: "hasDept", Kind: templates.StepCondition, Condition: `has(ad.department) && previous.department != ad.department`, OnFailure: templates.End},
			{ID: "join", Kind: templates.StepWebhook, Webhook: "join", Inputs: map[string]string{"group": "%ad.department%", "user": "%steps.lookup.userId%"}},
		}}
	}
	if err := automation.CheckTemplate(base(), hooks, []string{"baseUrl"}); err != nil {
		t.Fatalf("valid template: %v", err)
	}
	cases := map[string]struct {
		edit func(*templates.Template)
		want string
	}{
		"unknown macro":   {func(tp *templates.Template) { tp.Steps[0].Inputs["email"] = "%nope.mail%" }, "nope.mail"},
		"future output":   {func(tp *templates.Template) { tp.Steps[0].Inputs["email"] = "%steps.join.userId%" }, "steps.join.userId"},
		"unknown output":  {func(tp *templates.Template) { tp.Steps[2].Inputs["user"] = "%steps.lookup.groupId%" }, "steps.lookup.groupId"},
		"unknown setting": {func(tp *templates.Template) { tp.Steps[2].Inputs["group"] = "%integration.apiKey%" }, "integration.apiKey"},
		"bad condition":   {func(tp *templates.Template) { tp.Steps[1].Condition = "ad.department" }, "Step 2 (" + base().Steps[1].ID + "), condition"},
		"positions in words": {func(tp *templates.Template) {
			tp.Steps[0].Name, tp.Steps[0].Inputs["email"] = "Look up the user", "%nope.mail%"
		},
			"Step 1 “Look up the user”, input email, line 1, column 2: unknown macro %nope.mail%"},
		"contract too": {func(tp *templates.Template) { delete(tp.Steps[2].Inputs, "group") }, `needs the input "group"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tp := base()
			tc.edit(&tp)
			err := automation.CheckTemplate(tp, hooks, []string{"baseUrl"})
			if !errors.Is(err, templates.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckTemplate = %v, want an ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

// TestShippedTemplatesCheckInTheHost checks the templates both extensions
// ship, macros and conditions included, against their connectors'
// Describe, reading the files as the host reads an installed extension.
func TestShippedTemplatesCheckInTheHost(t *testing.T) {
	for name, c := range map[string]sdk.Connector{"clockify": clockify.Connector(), "scim": scim.Connector()} {
		t.Run(name, func(t *testing.T) {
			all, err := templates.Load(os.DirFS(filepath.Join("..", "..", "plugins", name, "templates")))
			if err != nil || len(all) < 4 {
				t.Fatalf("%d templates: %v", len(all), err)
			}
			d, err := connectortest.InProcess(t, c).Describe(t.Context(), &connectorv1.DescribeRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var settings []string
			for _, s := range d.GetSettings() {
				if !s.GetSecret() {
					settings = append(settings, s.GetKey())
				}
			}
			for _, tp := range all {
				if err := automation.CheckTemplate(tp, d.GetWebhooks(), settings); err != nil {
					t.Errorf("%s: %v", tp.ID, err)
				}
			}
		})
	}
}
