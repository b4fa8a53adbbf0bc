package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/extbuild"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// fullHost runs the whole host as `idbridge serve --demo-directory` does,
// with the Clockify sandbox and the signed extension built for this
// platform, and returns the CLI environment of its admin.
func fullHost(t *testing.T) (env map[string]string, extPath, pub string, sb *sandbox.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	work := t.TempDir()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	bctx, bcancel := context.WithTimeout(ctx, 10*time.Minute)
	res, err := extbuild.Build(bctx, extbuild.Options{ModuleRoot: root, Version: "0.1.0", OutDir: filepath.Join(work, "dist"),
		KeyPath: filepath.Join(work, "keys", "dev.key"), Platforms: []string{ext.HostPlatform()}})
	bcancel()
	if err != nil {
		t.Fatalf("build the extension: %v", err)
	}
	sb, err = sandbox.Start(ctx, sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	h := apptest.Start(t, app.Options{DataDir: filepath.Join(work, "data"), DemoDirectory: true, WatchInterval: 200 * time.Millisecond})
	env = map[string]string{"IDBRIDGE_ADDR": h.Base, "IDBRIDGE_TOKEN": h.Admin}
	return env, res.Path, res.KeyPath + ".pub", sb
}

func must(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, errs := run(t, env, args...)
	if code != ExitOK {
		t.Fatalf("idbridge %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// TestMainCommandsAgainstServe drives the admin's path with the CLI
// against a running host: install, integration create/auth/enable/test,
// webhooks, templates, an automation applied now, runs and the audit log,
// checking that no output carries the API key.
func TestMainCommandsAgainstServe(t *testing.T) {
	env, extPath, pub, sb := fullHost(t)
	dir := t.TempDir()

	must(t, env, "ext", "trust", "add", pub, "--name", "dev")
	if out := must(t, env, "ext", "install", extPath); !strings.Contains(out, "Installed clockify 0.1.0") {
		t.Fatalf("install: %q", out)
	}

	// A secret on the command line is refused before anything is sent.
	code, _, errs := run(t, env, "integration", "create", "clockify", "--id", "clockify", "--secret", "apiKey="+sandbox.DefaultAdminKey)
	if code != ExitUsage || !strings.Contains(errs, "never on the command line") {
		t.Fatalf("secret on the command line: %d %q", code, errs)
	}
	out := must(t, env, "integration", "create", "clockify", "--id", "clockify", "--name", "Clockify",
		"--set", "workspaceId="+sandbox.DefaultWorkspaceID, "--set", "baseUrl="+sb.BaseURL(), "--set", "rateLimit=1000")
	if !strings.Contains(out, "Still to set before enabling: apiKey") {
		t.Fatalf("create: %q", out)
	}
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(keyFile, []byte(sandbox.DefaultAdminKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	must(t, env, "integration", "auth", "clockify", "apiKey=@"+keyFile)
	if out := must(t, env, "integration", "enable", "clockify"); !strings.Contains(out, "Connection test passed") {
		t.Fatalf("enable: %q", out)
	}
	var tr integrations.TestResult
	out = must(t, env, "integration", "test", "clockify", "--output", "json")
	if err := json.Unmarshal([]byte(out), &tr); err != nil || !tr.OK || len(tr.Checks) == 0 {
		t.Fatalf("test json %q: %v", out, err)
	}
	show := must(t, env, "integration", "show", "clockify")
	if !strings.Contains(show, "apiKey (secret) = ****") || !strings.Contains(show, "enabled: true") {
		t.Fatalf("show: %q", show)
	}
	list := must(t, env, "integration", "list")
	if !strings.Contains(list, "clockify") || !strings.Contains(list, "ok ") {
		t.Fatalf("list: %q", list)
	}

	if out := must(t, env, "webhook", "list", "clockify"); !strings.Contains(out, "find-user-by-email") {
		t.Fatalf("webhook list: %q", out)
	}
	if code, _, _ := run(t, env, "webhook", "show", "clockify", "nope"); code != ExitNotFound {
		t.Fatalf("webhook show of an unknown id: exit %d, want %d", code, ExitNotFound)
	}
	must(t, env, "template", "install", "--integration", "clockify")

	// An automation over the demo directory's Engineering OU, applied now
	// to one person, goes through the engine to the sandbox.
	def := `{"name":"On","enabled":true,"trigger":{"type":"manual"},"scope":{"ou":"OU=Engineering,OU=Staff,DC=demo,DC=idbridge,DC=test","subtree":true},"action":{"template":"clockify-onboarding"}}`
	defFile := filepath.Join(dir, "auto.json")
	if err := os.WriteFile(defFile, []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	var saved struct{ ID string }
	if err := json.Unmarshal([]byte(must(t, env, "automation", "create", "--file", defFile, "-o", "json")), &saved); err != nil {
		t.Fatal(err)
	}
	out = must(t, env, "automation", "apply-now", saved.ID, "--user", "CN=Nora Quinn,OU=Engineering,OU=Staff,DC=demo,DC=idbridge,DC=test")
	if !strings.Contains(out, "Started") {
		t.Fatalf("apply-now: %q", out)
	}
	var page orchestration.RunPage
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := json.Unmarshal([]byte(must(t, env, "run", "list", "-o", "json")), &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Runs) == 1 && page.Runs[0].Status != "running" && page.Runs[0].Status != "waiting" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run did not finish: %+v", page.Runs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if page.Runs[0].Status != "succeeded" {
		t.Fatalf("run %+v", page.Runs[0])
	}
	if out := must(t, env, "run", "show", page.Runs[0].ID, "--entries"); !strings.Contains(out, "nora.quinn") && !strings.Contains(out, "Nora") {
		t.Fatalf("run show: %q", out)
	}
	found := false
	for _, u := range sb.Users(sandbox.DefaultWorkspaceID) {
		found = found || u.Email == "nora.quinn@example.com"
	}
	if !found {
		t.Fatal("the onboarded user is not in the sandbox")
	}
	// An automation whose action is a data-source sync runs the sync.
	ds := `{"id":"people","name":"People","category":"update users","endpoints":[{"alias":"users","integrationId":"clockify","endpointId":"list-users","primaryKey":"id"}],` +
		`"mappings":[{"field":{"endpoint":"users","path":"name"},"attribute":"displayName"}],"match":{"field":{"endpoint":"users","path":"email"},"attribute":"mail","caseInsensitive":true},` +
		`"options":{},"scope":{"base":"OU=Engineering,OU=Staff,DC=demo,DC=idbridge,DC=test"}}`
	dsFile := filepath.Join(dir, "ds.json")
	syncDef := strings.Replace(def, `"template":"clockify-onboarding"`, `"sync":"people"`, 1)
	syncFile := filepath.Join(dir, "sync.json")
	if err := os.WriteFile(dsFile, []byte(ds), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(syncFile, []byte(syncDef), 0o600); err != nil {
		t.Fatal(err)
	}
	must(t, env, "datasource", "create", "--file", dsFile)
	var syncAuto struct{ ID string }
	if err := json.Unmarshal([]byte(must(t, env, "automation", "create", "--file", syncFile, "-o", "json")), &syncAuto); err != nil {
		t.Fatal(err)
	}
	var applied struct{ Runs []string }
	out = must(t, env, "automation", "apply-now", syncAuto.ID, "--user", "CN=Nora Quinn,OU=Engineering,OU=Staff,DC=demo,DC=idbridge,DC=test", "-o", "json")
	if err := json.Unmarshal([]byte(out), &applied); err != nil || len(applied.Runs) != 1 {
		t.Fatalf("apply-now of a sync automation: %q %v", out, err)
	}
	c, err := NewClient(env["IDBRIDGE_ADDR"], env["IDBRIDGE_TOKEN"], "")
	if err != nil {
		t.Fatal(err)
	}
	syncRuns, err := c.GetDatasourcesIDRuns(context.Background(), "people")
	if err != nil || !slices.ContainsFunc(syncRuns, func(r store.Run) bool { return r.ID == applied.Runs[0] }) {
		t.Fatalf("the sync run %s is not among the data source's runs: %+v %v", applied.Runs[0], syncRuns, err)
	}

	// The reading and deleting commands that share one implementation
	// (resource.go), each through the real API.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"template", "list"}, "clockify-onboarding"},
		{[]string{"template", "show", "clockify-onboarding"}, "ON SUCCESS"},
		{[]string{"datasource", "list"}, "people"},
		{[]string{"datasource", "show", "people"}, "people"},
		{[]string{"inbound", "list", "clockify", "-o", "json"}, "list-users"},
		{[]string{"webhook", "macros", "clockify"}, "%"},
	} {
		if out := must(t, env, c.args...); !strings.Contains(out, c.want) {
			t.Errorf("%v: %q lacks %q", c.args, out, c.want)
		}
	}
	if code, _, _ := run(t, env, "template", "show", "no-such-template"); code != ExitNotFound {
		t.Errorf("show of an unknown template: exit %d, want %d", code, ExitNotFound)
	}
	if out := must(t, env, "template", "delete", "clockify-return"); !strings.Contains(out, "Deleted template clockify-return.") {
		t.Errorf("template delete: %q", out)
	}
	if code, _, _ := run(t, env, "template", "show", "clockify-return"); code != ExitNotFound {
		t.Errorf("a deleted template still shows: exit %d", code)
	}

	if code, _, _ := run(t, env, "run", "retry", "no-such-run"); code != ExitNotFound {
		t.Fatalf("retry of an unknown run: exit %d, want %d", code, ExitNotFound)
	}

	// The audit log shows the changes, with the key masked everywhere.
	auditOut := must(t, env, "audit", "--target", "integrations/clockify", "--changes")
	for _, want := range []string{"PATCH /v1/integrations/{id}/authorization", "POST /v1/integrations/{id}/enable", "admin (bootstrap)"} {
		if !strings.Contains(auditOut, want) {
			t.Errorf("audit lacks %q:\n%s", want, auditOut)
		}
	}
	all := must(t, env, "audit", "-o", "json", "--limit", "1000")
	if strings.Contains(all+auditOut+show, sandbox.DefaultAdminKey) {
		t.Fatal("the API key appears in CLI output")
	}
	if code, _, errs := run(t, env, "audit", "--since", "last tuesday"); code != ExitUsage || !strings.Contains(errs, "RFC 3339") {
		t.Fatalf("bad --since: %d %q", code, errs)
	}

	must(t, env, "integration", "disable", "clockify")
	if code, _, _ := run(t, env, "integration", "test", "nope"); code != ExitNotFound {
		t.Fatalf("test of an unknown integration: exit %d, want %d", code, ExitNotFound)
	}
}
