//go:build linux

package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
	"github.com/idbridge/idbridge/marketplace/extbuild"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// host is the whole host (every service mounted, the embedded demo
// directory standing in for AD) serving on loopback.
type host struct {
	*app.App
	base, admin string
}

func startHost(t *testing.T) *host {
	t.Helper()
	h, _ := startHostIn(t, t.TempDir())
	return h
}

// startHostIn starts a host on the data folder dir; stop ends it and
// waits (the store is closed, its log checkpointed). The test's cleanup
// stops it too.
func startHostIn(t *testing.T, dir string) (h *host, stop func()) {
	t.Helper()
	ah := apptest.Start(t, app.Options{DataDir: dir, DemoDirectory: true})
	return &host{App: ah.App, base: ah.Base, admin: ah.Admin}, ah.Stop
}

// TestHostRoutesAnswerTheirDocumentedStatus drives every route of the
// real host to success, one after the other as an admin would (the real
// Clockify connector talking to its sandbox, the demo directory standing
// in for AD), and checks each answers the success status its OpenAPI
// operation lists. A route no call reaches fails the test, so a new route
// cannot be added with a status the document does not tell.
func TestHostRoutesAnswerTheirDocumentedStatus(t *testing.T) {
	h := startHost(t)
	doc := published(t, h.base, h.admin)
	called := map[string]bool{}

	// call sends one request that must succeed, checks its status against
	// the document and returns the answer's body.
	call := func(method, pattern, path string, body any) []byte {
		t.Helper()
		name := method + " " + pattern
		want := documentedSuccess(t, operation(t, doc, method, pattern), name)
		var sent string
		switch b := body.(type) {
		case nil:
		case []byte:
			sent = string(b)
		default:
			raw, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			sent = string(raw)
		}
		status, raw := apptest.Send(t, h.base, method, path, h.admin, sent)
		if status != want {
			t.Fatalf("%s (%s) answered %d %.300s; the OpenAPI document says %d", name, path, status, raw, want)
		}
		called[name] = true
		return raw
	}
	const (
		demoOU = "OU=Engineering,OU=Staff,DC=demo,DC=idbridge,DC=test"
		nora   = "CN=Nora Quinn," + demoOU
	)

	// Tokens.
	tok := call("POST", "/v1/tokens", "/v1/tokens", map[string]string{"name": "ci", "role": "operator"})
	call("GET", "/v1/tokens", "/v1/tokens", nil)
	call("DELETE", "/v1/tokens/{id}", "/v1/tokens/"+field(t, tok, "id"), nil)

	// Signing keys, publishers, extensions.
	key := exttest.Key(t)
	pem, err := ext.MarshalPublicKey(key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	trusted := call("POST", "/v1/extension-keys", "/v1/extension-keys", map[string]string{"name": "ci market", "public_key": string(pem)})
	call("GET", "/v1/extension-keys", "/v1/extension-keys", nil)
	call("PUT", "/v1/extension-publishers/{publisher}", "/v1/extension-publishers/example", nil)
	call("GET", "/v1/extension-publishers", "/v1/extension-publishers", nil)
	call("DELETE", "/v1/extension-publishers/{publisher}", "/v1/extension-publishers/example", nil)

	call("POST", "/v1/extensions/archive", "/v1/extensions/archive", exttest.Build(t, exttest.Spec{ID: "sample"}, key))
	file := filepath.Join(t.TempDir(), "other-1.0.0.ext")
	if err := os.WriteFile(file, exttest.Build(t, exttest.Spec{ID: "other"}, key), 0o600); err != nil {
		t.Fatal(err)
	}
	call("POST", "/v1/extensions", "/v1/extensions", map[string]string{"file": file})
	call("GET", "/v1/extensions", "/v1/extensions", nil)
	call("GET", "/v1/extensions/{id}", "/v1/extensions/sample", nil)
	call("POST", "/v1/extensions/{id}/upgrade/archive", "/v1/extensions/sample/upgrade/archive",
		exttest.Build(t, exttest.Spec{ID: "sample", Version: "1.1.0"}, key))
	upgrade := filepath.Join(t.TempDir(), "other-1.1.0.ext")
	if err := os.WriteFile(upgrade, exttest.Build(t, exttest.Spec{ID: "other", Version: "1.1.0"}, key), 0o600); err != nil {
		t.Fatal(err)
	}
	call("POST", "/v1/extensions/{id}/upgrade", "/v1/extensions/other/upgrade", map[string]string{"file": upgrade})
	call("DELETE", "/v1/extensions/{id}", "/v1/extensions/sample", nil)
	call("DELETE", "/v1/extensions/{id}", "/v1/extensions/other", nil)
	call("DELETE", "/v1/extension-keys/{key_id}", "/v1/extension-keys/"+field(t, trusted, "key_id"), nil)

	// The directory picker's search.
	if found := call("GET", "/v1/directory/search", "/v1/directory/search?q=nora&kind=user", nil); !bytes.Contains(found, []byte("nora.quinn")) {
		t.Errorf("the directory search for nora found %s", found)
	}
	// When a schedule runs next, for the automation form.
	if next := call("GET", "/v1/schedules/next", "/v1/schedules/next?schedule="+url.QueryEscape("0 6 * * 1-5")+"&count=2", nil); !bytes.Contains(next, []byte(`"timeZone"`)) {
		t.Errorf("the schedule's next runs are %s", next)
	}
	// The schema's user attributes, for the data source form.
	if attrs := call("GET", "/v1/directory/attributes", "/v1/directory/attributes", nil); !bytes.Contains(attrs, []byte(`"employeeID"`)) {
		t.Errorf("the directory's user attributes are %.300s", attrs)
	}

	var watcher struct{ Running bool }
	if w := call("GET", "/v1/watcher", "/v1/watcher", nil); json.Unmarshal(w, &watcher) != nil || !watcher.Running {
		t.Errorf("the watcher's state: %s", w)
	}

	// Templates, runs, automations. The run waits an hour before its
	// second step, so it is still running when the test retries and
	// cancels it, however slowly the machine goes (a delay's wait is
	// before the step after it: a template of one delay ends at once).
	wait := map[string]any{"id": "wait", "name": "Wait", "steps": []any{
		map[string]any{"id": "pause", "kind": "delay", "delay": "1h", "onSuccess": "later"},
		map[string]any{"id": "later", "kind": "delay", "delay": "1s"}}}
	if checked := call("POST", "/v1/templates/{id}/check", "/v1/templates/wait/check", wait); !bytes.Contains(checked, []byte(`"steps": 2`)) {
		t.Errorf("checking the template answered %s", checked)
	}
	call("PUT", "/v1/templates/{id}", "/v1/templates/wait", wait)
	call("GET", "/v1/templates", "/v1/templates", nil)
	call("GET", "/v1/templates/{id}", "/v1/templates/wait", nil)
	run := field(t, call("POST", "/v1/runs", "/v1/runs", map[string]any{"templateId": "wait",
		"objects": []any{map[string]string{"dn": nora}}}), "ID")
	call("GET", "/v1/runs", "/v1/runs", nil)
	call("GET", "/v1/runs/{id}", "/v1/runs/"+run, nil)
	call("GET", "/v1/runs/{id}/entries", "/v1/runs/"+run+"/entries", nil)
	call("POST", "/v1/runs/{id}/retry", "/v1/runs/"+run+"/retry", nil)
	call("POST", "/v1/runs/{id}/cancel", "/v1/runs/"+run+"/cancel", nil)
	// More deactivations than the template allows: the run waits for an
	// admin's approval.
	guard := map[string]any{"id": "guard", "name": "Guard", "maxDeactivations": 1,
		"steps": []any{map[string]any{"id": "pause", "kind": "delay", "delay": "1h"},
			map[string]any{"id": "off", "kind": "ad", "ad": map[string]string{"action": "disable"}}}}
	call("PUT", "/v1/templates/{id}", "/v1/templates/guard", guard)
	held := field(t, call("POST", "/v1/runs", "/v1/runs", map[string]any{"templateId": "guard", "objects": []any{
		map[string]string{"dn": nora}, map[string]string{"dn": "CN=Omar Haddad," + demoOU}}}), "ID")
	call("POST", "/v1/runs/{id}/approve", "/v1/runs/"+held+"/approve", nil)
	call("POST", "/v1/runs/{id}/cancel", "/v1/runs/"+held+"/cancel", nil)

	auto := map[string]any{"id": "nightly", "name": "Nightly", "trigger": map[string]any{"type": "manual"},
		"scope": map[string]any{"ou": demoOU, "subtree": true}, "action": map[string]any{"template": "wait"}}
	call("POST", "/v1/automations", "/v1/automations", auto)
	call("GET", "/v1/automations", "/v1/automations", nil)
	call("GET", "/v1/automations/{id}", "/v1/automations/nightly", nil)
	call("PUT", "/v1/automations/{id}", "/v1/automations/nightly", auto)
	call("POST", "/v1/automations/{id}/enable", "/v1/automations/nightly/enable", nil)
	call("POST", "/v1/automations/{id}/apply-now", "/v1/automations/nightly/apply-now", map[string]any{"users": []string{nora}})
	call("POST", "/v1/automations/{id}/disable", "/v1/automations/nightly/disable", nil)
	call("DELETE", "/v1/automations/{id}", "/v1/automations/nightly", nil)
	call("DELETE", "/v1/templates/{id}", "/v1/templates/wait", nil)

	// The real Clockify connector against its sandbox: catalogs,
	// integrations, their webhooks and inbound endpoints, data sources.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dist, devKey := clockifyCatalog(ctx, t)
	sb, err := sandbox.Start(ctx, sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	call("POST", "/v1/extension-keys", "/v1/extension-keys", map[string]string{"name": "dev", "public_key": string(devKey)})
	call("POST", "/v1/catalogs", "/v1/catalogs", map[string]string{"name": "dev", "location": dist})
	call("GET", "/v1/catalogs", "/v1/catalogs", nil)
	call("GET", "/v1/catalogs/extensions", "/v1/catalogs/extensions", nil)
	call("POST", "/v1/extensions", "/v1/extensions", map[string]string{"name": "clockify"})
	call("DELETE", "/v1/catalogs/{name}", "/v1/catalogs/dev", nil)

	call("POST", "/v1/integrations", "/v1/integrations", map[string]any{"id": "ck", "extension_id": "clockify",
		"settings": map[string]string{clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID, clockify.SettingBaseURL: sb.BaseURL()}})
	call("GET", "/v1/integrations/{id}", "/v1/integrations/ck", nil)
	call("GET", "/v1/integrations/{id}/schema", "/v1/integrations/ck/schema", nil)
	call("PATCH", "/v1/integrations/{id}/settings", "/v1/integrations/ck/settings", map[string]string{clockify.SettingRateLimit: "1000"})
	call("PATCH", "/v1/integrations/{id}/authorization", "/v1/integrations/ck/authorization",
		map[string]string{clockify.SettingAPIKey: sandbox.DefaultAdminKey})
	call("POST", "/v1/integrations/{id}/enable", "/v1/integrations/ck/enable", nil)
	call("POST", "/v1/integrations/{id}/test", "/v1/integrations/ck/test", nil)
	call("POST", "/v1/templates/install", "/v1/templates/install", map[string]string{"integration": "ck"})

	var plugins []struct{ ID string }
	if err := json.Unmarshal(call("GET", "/v1/plugins", "/v1/plugins", nil), &plugins); err != nil || len(plugins) == 0 {
		t.Fatalf("no connector process is listed after enabling: %v", err)
	}
	call("GET", "/v1/plugins/{id}", "/v1/plugins/"+plugins[0].ID, nil)
	call("POST", "/v1/plugins/{id}/reset", "/v1/plugins/"+plugins[0].ID+"/reset", nil)

	hooks := "/v1/integrations/ck/webhooks"
	hook := map[string]any{"name": "Invite", "method": "POST", "url": "/v1/workspaces/{WorkspaceID}/users",
		"query": []any{map[string]string{"name": "send-email", "value": "false"}}, "messageType": "json", "body": `{"email":"%lower(ad.mail)%"}`}
	call("GET", "/v1/integrations/{integration}/webhooks", hooks, nil)
	call("GET", "/v1/integrations/{integration}/macros", "/v1/integrations/ck/macros", nil)
	call("PUT", "/v1/integrations/{integration}/webhooks/{id}", hooks+"/invite", hook)
	call("GET", "/v1/integrations/{integration}/webhooks/{id}", hooks+"/invite", nil)
	call("POST", "/v1/integrations/{integration}/webhooks/test", hooks+"/test", map[string]any{
		"webhook": map[string]string{"id": clockify.WebhookFindUserByEmail}, "inputs": map[string]string{"email": "%ad.mail%"},
		"objects": []string{nora}})
	call("DELETE", "/v1/integrations/{integration}/webhooks/{id}", hooks+"/invite", nil)

	inbound := "/v1/integrations/ck/inbound"
	groups := map[string]any{"id": "groups", "name": "Groups (custom)", "url": "/v1/workspaces/{WorkspaceID}/user-groups", "primaryKey": "id"}
	call("POST", "/v1/integrations/{id}/inbound/test", inbound+"/test", groups)
	call("POST", "/v1/integrations/{id}/inbound", inbound, groups)
	call("GET", "/v1/integrations/{id}/inbound", inbound, nil)
	call("GET", "/v1/integrations/{id}/inbound/{endpoint}", inbound+"/groups", nil)
	call("PUT", "/v1/integrations/{id}/inbound/{endpoint}", inbound+"/groups", groups)
	call("POST", "/v1/integrations/{id}/inbound/{endpoint}/test", inbound+"/groups/test", nil)
	call("DELETE", "/v1/integrations/{id}/inbound/{endpoint}", inbound+"/groups", nil)

	people := map[string]any{"id": "people", "name": "People", "category": "update users",
		"endpoints": []any{map[string]string{"alias": "users", "integrationId": "ck", "endpointId": "list-users", "primaryKey": "id"}},
		"mappings":  []any{map[string]any{"field": map[string]string{"endpoint": "users", "path": "name"}, "attribute": "displayName"}},
		"match":     map[string]any{"field": map[string]string{"endpoint": "users", "path": "email"}, "attribute": "mail", "caseInsensitive": true},
		"options":   map[string]any{}, "scope": map[string]string{"base": demoOU}}
	call("POST", "/v1/datasources", "/v1/datasources", people)
	call("GET", "/v1/datasources", "/v1/datasources", nil)
	call("GET", "/v1/datasources/{id}", "/v1/datasources/people", nil)
	call("PUT", "/v1/datasources/{id}", "/v1/datasources/people", people)
	call("POST", "/v1/datasources/{id}/plan", "/v1/datasources/people/plan", nil)
	applied := field(t, call("POST", "/v1/datasources/{id}/apply", "/v1/datasources/people/apply?confirm=true", nil), "runId")
	again := field(t, call("POST", "/v1/datasources/{id}/apply", "/v1/datasources/people/apply?confirm=true", nil), "runId")
	var all, newest []struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(call("GET", "/v1/datasources/{id}/runs", "/v1/datasources/people/runs", nil), &all)
	_ = json.Unmarshal(call("GET", "/v1/datasources/{id}/runs", "/v1/datasources/people/runs?limit=1", nil), &newest)
	if len(all) != 2 || len(newest) != 1 || newest[0].ID != again {
		t.Errorf("sync runs: %d without a limit and %v with limit=1, want 2 and only the newest, %s", len(all), newest, again)
	}
	call("GET", "/v1/datasources/{id}/runs/{run}", "/v1/datasources/people/runs/"+applied, nil)
	call("DELETE", "/v1/datasources/{id}", "/v1/datasources/people", nil)

	call("POST", "/v1/integrations/{id}/disable", "/v1/integrations/ck/disable", nil)
	call("GET", "/v1/integrations", "/v1/integrations", nil)
	call("DELETE", "/v1/integrations/{id}", "/v1/integrations/ck", nil)
	call("DELETE", "/v1/extensions/{id}", "/v1/extensions/clockify", nil)
	call("GET", "/v1/audit", "/v1/audit", nil)
	call("GET", "/v1/openapi.json", "/v1/openapi.json", nil)

	routes := h.API.Routes()
	for _, r := range routes {
		if name := r.Method + " " + r.Pattern; !called[name] {
			t.Errorf("no call checked the documented status of %s; add one to this test", name)
		}
	}
	t.Logf("%d of %d routes answered their documented status", len(called), len(routes))
}

// clockifyCatalog builds the Clockify extension for this platform into a
// catalog folder, signed with a new key, and returns the folder and the
// key's public half.
func clockifyCatalog(ctx context.Context, t *testing.T) (dist string, devKey []byte) {
	t.Helper()
	work := t.TempDir()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dist = filepath.Join(work, "dist")
	built, err := extbuild.Build(ctx, extbuild.Options{ModuleRoot: root, Version: "0.1.0", OutDir: dist,
		KeyPath: filepath.Join(work, "keys", "dev.key"), Platforms: []string{ext.HostPlatform()}})
	if err != nil {
		t.Fatalf("build the Clockify extension: %v", err)
	}
	if _, err := catalog.WriteFile(ctx, dist); err != nil {
		t.Fatalf("index the catalog folder: %v", err)
	}
	devKey, err = os.ReadFile(built.KeyPath + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return dist, devKey
}

// field reads a string field of a JSON object answer.
func field(t *testing.T, answer []byte, name string) string {
	t.Helper()
	var m map[string]any
	_ = json.Unmarshal(answer, &m)
	s, _ := m[name].(string)
	if s == "" {
		t.Fatalf("the answer has no %q: %.300s", name, answer)
	}
	return s
}

// TestHostRoutesAnswerTheirDocumentedErrors checks the error statuses the
// document lists against the real host: 401 without a token everywhere;
// 403 for an auditor exactly where it is listed; 400 for a body that is
// not JSON where a body is taken; and 404 for an unknown id exactly on
// the routes that list it, so the list is neither short nor padded.
func TestHostRoutesAnswerTheirDocumentedErrors(t *testing.T) {
	h := startHost(t)
	doc := published(t, h.base, h.admin)
	auditor, _, err := h.Tokens.Create(context.Background(), "ci auditor", api.RoleAuditor)
	if err != nil {
		t.Fatal(err)
	}
	wildcards := regexp.MustCompile(`\{[^}]+\}`)
	for i, r := range h.API.Routes() {
		name := r.Method + " " + r.Pattern
		t.Run(name, func(t *testing.T) {
			op := operation(t, doc, r.Method, r.Pattern)
			lists := func(code int) bool { return op.Responses.Status(code) != nil }
			// An id of its own per route: a PUT that creates what it names
			// (allowing a publisher) must not make the next route's id known.
			path := wildcards.ReplaceAllString(r.Pattern, fmt.Sprintf("no-such-id-%d", i))
			if st, raw := apptest.Send(t, h.base, r.Method, path, "", `{}`); st != http.StatusUnauthorized || !lists(st) {
				t.Errorf("without a token: %d %.200s (401 listed: %v)", st, raw, lists(http.StatusUnauthorized))
			}
			if st, raw := apptest.Send(t, h.base, r.Method, path, auditor, `{}`); (st == http.StatusForbidden) != lists(http.StatusForbidden) {
				t.Errorf("as auditor: %d %.200s, yet 403 listed: %v", st, raw, lists(http.StatusForbidden))
			}
			if op.RequestBody != nil {
				if st, raw := apptest.Send(t, h.base, r.Method, path, h.admin, `{"not json`); st != http.StatusBadRequest || !lists(st) {
					t.Errorf("with a broken body: %d %.200s (400 listed: %v)", st, raw, lists(http.StatusBadRequest))
				}
			}
			if !strings.Contains(r.Pattern, "{") {
				return
			}
			st, raw := apptest.Send(t, h.base, r.Method, path, h.admin, `{}`)
			switch {
			case lists(http.StatusNotFound) && st != http.StatusNotFound:
				t.Errorf("404 is listed, yet an unknown id answered %d %.200s", st, raw)
			case !lists(http.StatusNotFound) && st == http.StatusNotFound:
				t.Errorf("an unknown id answered 404 %.200s, which the document does not list; declare Errors: []int{http.StatusNotFound} on the route", raw)
			}
		})
	}
}
