package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/store"
)

// oneUserDirectory knows one user, for apply-now through the CLI.
type oneUserDirectory struct{}

var cliUser = directory.User{ID: "3f2a", DN: "CN=Ann,OU=Staff,DC=example,DC=test"}

func (oneUserDirectory) Flavor() directory.Flavor { return directory.FlavorAD }
func (oneUserDirectory) BaseDN() string           { return "DC=example,DC=test" }
func (oneUserDirectory) Users(context.Context, directory.UserQuery, func(directory.User) error) error {
	return nil
}
func (oneUserDirectory) GetUser(_ context.Context, dn string) (directory.User, error) {
	if strings.EqualFold(dn, cliUser.DN) {
		return cliUser, nil
	}
	return directory.User{}, directory.ErrNotFound
}
func (oneUserDirectory) UserByID(context.Context, string) (directory.User, error) {
	return directory.User{}, directory.ErrNotFound
}
func (d oneUserDirectory) ResolveUser(ctx context.Context, ref string) (directory.User, error) {
	return d.GetUser(ctx, strings.TrimSpace(ref))
}
func (oneUserDirectory) NestedGroups(context.Context, string) ([]string, error) { return nil, nil }

type oneTemplate struct{}

func (oneTemplate) Template(_ context.Context, id string) (automation.TemplateInfo, error) {
	if id == "clockify-onboarding" {
		return automation.TemplateInfo{ID: id}, nil
	}
	return automation.TemplateInfo{}, store.ErrNotFound
}

// automationHost is a real API server with the automation routes.
func automationHost(t *testing.T) (env map[string]string, started *[]automation.RunRequest) {
	t.Helper()
	tokens := api.NewTokens(store.NewMemoryDocs())
	admin, _, err := tokens.Create(context.Background(), "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []automation.RunRequest
	svc, err := automation.New(automation.Config{Docs: store.NewMemoryDocs(), Directory: oneUserDirectory{}, Templates: oneTemplate{},
		Runner: automation.RunnerFunc(func(_ context.Context, r automation.RunRequest) (string, error) {
			reqs = append(reqs, r)
			return "run-1", nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"IDBRIDGE_ADDR": serveAPI(t, tokens, svc), "IDBRIDGE_TOKEN": admin}, &reqs
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAutomationCommands(t *testing.T) {
	env, started := automationHost(t)
	def := writeFile(t, "a.json", `{"name":"Clockify onboarding","scope":{"ou":"OU=Staff,DC=example,DC=test","subtree":true},
		"trigger":{"type":"manual"},"action":{"template":"clockify-onboarding"}}`)
	code, out, errOut := run(t, env, "automation", "create", "--file", def)
	if code != 0 || !strings.Contains(out, "Saved automation clockify-onboarding") {
		t.Fatalf("create: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, env, "automation", "list")
	if code != 0 || !strings.Contains(out, "clockify-onboarding") || !strings.Contains(out, "template clockify-onboarding") {
		t.Fatalf("list: %d %q", code, out)
	}
	code, out, _ = run(t, env, "automation", "show", "clockify-onboarding")
	if code != 0 || !strings.Contains(out, "OU=Staff,DC=example,DC=test (subtree)") {
		t.Fatalf("show: %d %q", code, out)
	}
	code, out, _ = run(t, env, "automation", "enable", "clockify-onboarding")
	if code != 0 || !strings.Contains(out, "enabled") {
		t.Fatalf("enable: %d %q", code, out)
	}
	code, out, _ = run(t, env, "automation", "apply-now", "clockify-onboarding", "--user", cliUser.DN)
	if code != 0 || !strings.Contains(out, "Started run-1 for 1 user(s)") || len(*started) != 1 || (*started)[0].Objects[0].ID != cliUser.ID {
		t.Fatalf("apply-now: %d %q %+v", code, out, *started)
	}
	if code, _, errOut = run(t, env, "automation", "apply-now", "clockify-onboarding"); code == 0 || !strings.Contains(errOut, "choose at least one user") {
		t.Fatalf("apply-now to nobody: %d %q", code, errOut)
	}
	code, _, _ = run(t, env, "automation", "disable", "clockify-onboarding")
	if code != 0 {
		t.Fatalf("disable: %d", code)
	}

	bad := writeFile(t, "bad.json", `{"name":"Bad","scope":{},"trigger":{"type":"schedule","schedule":"daily"},"action":{"template":"nope"}}`)
	code, _, errOut = run(t, env, "automation", "edit", "clockify-onboarding", "--file", bad)
	for _, want := range []string{"Scope: the scope is empty", "Schedule: \"daily\" has 1 field(s)", "Template: no orchestration template has this id"} {
		if code == 0 || !strings.Contains(errOut, want) {
			t.Errorf("edit with a bad definition: %d %q, want it to name %s", code, errOut, want)
		}
	}
	if code, _, _ = run(t, env, "automation", "delete", "clockify-onboarding"); code != 0 {
		t.Fatalf("delete: %d", code)
	}
	if code, _, errOut = run(t, env, "automation", "show", "clockify-onboarding"); code == 0 || !strings.Contains(errOut, "no automation has this id") {
		t.Fatalf("show deleted: %d %q", code, errOut)
	}
}

func TestTemplateValidate(t *testing.T) {
	good := writeFile(t, "t.json", `{"id":"t","name":"T","steps":[{"id":"a","kind":"condition","condition":"true","onFailure":"end"},{"id":"b","kind":"delay","delay":"1s"}]}`)
	code, out, errOut := run(t, nil, "template", "validate", "--file", good)
	if code != 0 || !strings.Contains(out, "2 steps, well formed") {
		t.Fatalf("validate good: %d %q %q", code, out, errOut)
	}
	bad := writeFile(t, "b.json", `{"id":"t","name":"T","steps":[{"id":"a","kind":"webhok","onSuccess":"z"},{"id":"a","kind":"delay","delay":"1s"}]}`)
	code, _, errOut = run(t, nil, "template", "validate", "--file", bad)
	for _, want := range []string{`kind "webhok"`, "used twice", `goes to "z"`} {
		if code == 0 || !strings.Contains(errOut, want) {
			t.Errorf("validate bad: %d %q, want %s", code, errOut, want)
		}
	}
	unknown := writeFile(t, "u.json", `{"id":"t","steps":[],"colour":"red"}`)
	if code, _, errOut = run(t, nil, "template", "validate", "--file", unknown); code == 0 || !strings.Contains(errOut, "colour") {
		t.Errorf("validate unknown field: %d %q", code, errOut)
	}
}

func TestTemplateInstallNeedsAnIntegration(t *testing.T) {
	if code, _, errOut := run(t, nil, "template", "install"); code == 0 || !strings.Contains(errOut, "name the integration") {
		t.Fatalf("install without integration: %d %q", code, errOut)
	}
}
