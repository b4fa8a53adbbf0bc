//go:build linux

package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/orchestration"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/extbuild"
	"github.com/idbridge/idbridge/plugins/scim/scimtest"
)

// raw calls the host as an admin and returns the status and body, for
// answers a test expects to be refused.
func (h *fullHost) raw(t *testing.T, method, path string, in any) (int, []byte) {
	t.Helper()
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			t.Fatal(err)
		}
	}
	return apptest.Send(t, h.base, method, path, h.admin, string(body))
}

// api calls the host as an admin and decodes the answer into out; a
// status other than 2xx fails the test with the host's message.
func (h *fullHost) api(t *testing.T, method, path string, in, out any) {
	t.Helper()
	status, raw := h.raw(t, method, path, in)
	if status/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

// TestSCIMEndToEnd is an admin's whole path with the SCIM extension, as a
// third party's would be: the signed .ext installed, the integration
// enabled against a SCIM server, List Users tested and saved, a dry-run
// plan that names the app's accounts no directory user owns, the shipped
// templates installed, and an onboarding run that creates the user and
// their department's group in the app.
func TestSCIMEndToEnd(t *testing.T) {
	ctx := context.Background()
	const token = "scim-e2e-token-0123456789"
	srv, err := scimtest.Start(scimtest.Options{Token: token, Users: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	h := startFullHost(t)
	var rec extensions.Record
	h.installBuilt(t, "scim", &rec)
	if rec.ID != "scim" || rec.Version != "0.1.0" {
		t.Fatalf("installed %s %s", rec.ID, rec.Version)
	}

	h.api(t, "POST", "/v1/integrations", integrations.CreateRequest{ID: "acme-scim", ExtensionID: "scim", Name: "Acme (SCIM)",
		Settings: map[string]string{"baseUrl": srv.URL()}, Authorization: map[string]string{"token": token}}, nil)
	var view integrations.View
	h.api(t, "POST", "/v1/integrations/acme-scim/enable", nil, &view)
	if !view.Enabled || view.LastTest == nil || !view.LastTest.OK {
		t.Fatalf("enabled %v, test %+v", view.Enabled, view.LastTest)
	}

	var it inbound.TestResult
	h.api(t, "POST", "/v1/integrations/acme-scim/inbound/list-users/test?save=true", nil, &it)
	if !it.OK || !it.Saved || it.Records != 3 {
		t.Fatalf("test and save of List Users: %+v", it)
	}

	users := func(p string) mapping.FieldRef { return mapping.FieldRef{Endpoint: "users", Path: p} }
	h.api(t, "POST", "/v1/datasources", idsync.DataSource{ID: "scim-people", DataSource: mapping.DataSource{
		Name: "SCIM people", Category: mapping.CategoryUpdateUsers,
		Endpoints: []mapping.EndpointRef{{Alias: "users", IntegrationID: "acme-scim", EndpointID: "list-users", PrimaryKey: "id"}},
		Mappings:  []mapping.Mapping{{Field: users("name.familyName"), Attribute: "description"}},
		Match:     mapping.MatchRule{Field: users("userName"), Attribute: "mail", CaseInsensitive: true},
	}}, nil)
	var pv idsync.Preview
	h.api(t, "POST", "/v1/datasources/scim-people/plan", nil, &pv)
	if pv.Plan == nil || pv.Plan.Summary.Records != 3 || pv.Plan.Summary.Orphans != 3 {
		t.Fatalf("plan: %+v", pv.Plan)
	}

	var inst automation.InstallResult
	h.api(t, "POST", "/v1/templates/install", automation.InstallRequest{Integration: "acme-scim"}, &inst)
	slices.Sort(inst.Installed)
	if strings.Join(inst.Installed, ",") != "scim-move,scim-offboarding,scim-onboarding,scim-return" {
		t.Fatalf("templates installed %v, refused %s", inst.Installed, inst.Refused)
	}

	info, dir := demoDirectory(t, h)
	h.api(t, "POST", "/v1/automations", automation.Automation{ID: "scim-onboarding", Name: "SCIM onboarding", Enabled: true,
		Scope:   automation.Scope{Group: "CN=Clockify Users,OU=Groups," + info.BaseDN, Nested: true},
		Trigger: automation.Trigger{Type: automation.TriggerEvent, Events: []watch.Kind{watch.UserCreated, automation.ScopeEntered}},
		Action:  automation.Action{Template: "scim-onboarding"}}, nil)
	nora, err := dir.FindUsers(ctx, "sAMAccountName", "nora.quinn")
	if err != nil || len(nora) != 1 {
		t.Fatalf("nora.quinn in the demo directory: %v %v", nora, err)
	}
	mail := strings.ToLower(nora[0].Get("mail"))
	var res automation.ApplyResult
	h.api(t, "POST", "/v1/automations/scim-onboarding/apply-now", automation.ApplyRequest{Users: []string{nora[0].DN}}, &res)
	if len(res.Runs) != 1 {
		t.Fatalf("apply-now started %v", res)
	}
	status := waitRun(t, h, res.Runs[0])
	if status != "succeeded" {
		t.Fatalf("onboarding run %s", status)
	}
	u, ok := srv.User(mail)
	if !ok || u["active"] != true {
		t.Fatalf("the SCIM server's user %s: %v", mail, u)
	}
	if m := srv.Members("Engineering"); !slices.Contains(m, fmt.Sprint(u["id"])) {
		t.Fatalf("Engineering's members %v lack %v", m, u["id"])
	}
}

// installBuilt builds the signed .ext of the repository's connector id,
// trusts its key and installs it on the host; out, when not nil, receives
// the installed record.
func (h *fullHost) installBuilt(t *testing.T, id string, out any) {
	t.Helper()
	dir := t.TempDir()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	built, err := extbuild.Build(context.Background(), extbuild.Options{ModuleRoot: root, ID: id, Version: "0.1.0",
		Platforms: []string{ext.HostPlatform()}, OutDir: dir, KeyPath: filepath.Join(dir, "dev.key")})
	if err != nil {
		t.Fatalf("build the .ext: %v", err)
	}
	pub, err := os.ReadFile(built.KeyPath + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	h.api(t, "POST", "/v1/extension-keys", extensions.TrustKeyRequest{Name: "test", PublicKey: string(pub)}, nil)
	h.api(t, "POST", "/v1/extensions", extensions.Source{File: built.Path}, out)
}

// demoDirectory connects to the host's embedded demo directory.
func demoDirectory(t *testing.T, h *fullHost) (app.DemoDirectoryInfo, *directory.Client) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(h.DataDir, app.DemoDirectoryFile))
	if err != nil {
		t.Fatal(err)
	}
	var info app.DemoDirectoryInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	dir, err := directory.Open(context.Background(), directory.Config{URL: info.URL, PlainText: true, BindDN: info.BindDN,
		Password: info.Password, BaseDN: info.BaseDN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dir.Close() })
	return info, dir
}

// waitRun polls a run until it leaves running and waiting; the deadline
// is only a safety net.
func waitRun(t *testing.T, h *fullHost, id string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var v orchestration.RunView
		h.api(t, "GET", "/v1/runs/"+id, nil, &v)
		if v.Status != "running" && v.Status != "waiting" {
			return string(v.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s after 2 minutes", id, v.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
