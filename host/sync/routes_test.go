package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/cli"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestCommandLineThroughTheAPI drives inbound, datasource and sync from
// the command line against a host serving the real services' routes.
func TestCommandLineThroughTheAPI(t *testing.T) {
	dir := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, dir)
	name := dirtest.UniqueName("cli")
	other := dirtest.UniqueName("cli")
	dirtest.AddUser(t, dir, ou, dirtest.User{Name: name, Attributes: map[string][]string{"displayName": {"Old Name"}}})
	dirtest.AddUser(t, dir, ou, dirtest.User{Name: other, Attributes: map[string][]string{"displayName": {"Old Name"}}})
	lacking := dirtest.UniqueName("cli")
	dirtest.AddUser(t, dir, ou, dirtest.User{Name: lacking})
	env := startEnv(t, seedWith(
		sandbox.User{Email: name + "@example.test", Name: "New Name"},
		sandbox.User{Email: other + "@example.test", Name: "Other New Name"},
		sandbox.User{Email: "stale-" + name + "@example.test", Name: "Stale"},
	))
	svc := newService(t, env, dir)

	tokens := api.NewTokens(store.NewMemoryDocs())
	admin, _, err := tokens.Create(context.Background(), "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	operator, _, err := tokens.Create(context.Background(), "ops", api.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens})
	for _, p := range []api.RouteProvider{tokens, env.Inbound, svc} {
		if err := srv.Mount(p); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	run := func(token string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		g := &cli.Globals{Out: &out, Err: &errb, Env: func(k string) string {
			return map[string]string{"IDBRIDGE_ADDR": hs.URL, "IDBRIDGE_TOKEN": token}[k]
		}}
		code := cli.Execute(context.Background(), args, g)
		return code, out.String(), errb.String()
	}
	file := func(v any) string {
		b, _ := json.Marshal(v)
		p := filepath.Join(t.TempDir(), "def.json")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	code, out, errs := run(admin, "inbound", "list", integ)
	if code != 0 || !strings.Contains(out, "list-workers") {
		t.Fatalf("inbound list: %d %s %s", code, out, errs)
	}
	code, out, errs = run(operator, "inbound", "test", integ, "list-users")
	if code != 0 || !strings.Contains(out, "Test passed") || !strings.Contains(out, "X-Api-Key: ****") || strings.Contains(out, env.APIKey) {
		t.Fatalf("inbound test: %d %s %s", code, out, errs)
	}
	def := inbound.Definition{ID: "people", Name: "People", URL: "/v1/workspaces/{WorkspaceID}/users",
		Query:  []inbound.KV{{Name: "status", Value: "ALL"}, {Name: "include-roles", Value: "false"}},
		Paging: inbound.Paging{Kind: inbound.PagingPage, PageParam: "page", SizeParam: "page-size", PageSize: 50, FirstPage: 1, LastPageHeader: "Last-Page"}}
	code, out, errs = run(operator, "inbound", "add", integ, "--file", file(def))
	if code != cli.ExitAuth {
		t.Fatalf("an operator added an endpoint: %d %s %s", code, out, errs)
	}
	code, out, errs = run(admin, "inbound", "add", integ, "--file", file(def))
	if code != 0 || !strings.Contains(out, "Saved endpoint people") {
		t.Fatalf("inbound add: %d %s %s", code, out, errs)
	}
	code, out, _ = run(admin, "inbound", "show", integ, "people", "-o", "json")
	var shown inbound.Endpoint
	if code != 0 || json.Unmarshal([]byte(out), &shown) != nil || !shown.Custom || len(shown.Fields) == 0 {
		t.Fatalf("inbound show: %d %s", code, out)
	}

	ds := usersAndWorkers("cli", ou, mapping.CategoryUpdateUsers)
	ds.Endpoints[0].EndpointID, ds.Endpoints[0].Custom = "people", true
	ds.Options.ChangeLimit = 1
	ds.Options.Active = nil
	bad := ds
	bad.Mappings = []mapping.Mapping{{Field: mapping.FieldRef{Path: "nickname"}, Attribute: "displayName"}}
	code, _, errs = run(admin, "datasource", "create", "--file", file(bad))
	if code != cli.ExitUsage || !strings.Contains(errs, "nickname") {
		t.Fatalf("datasource create with an unknown field: %d %s", code, errs)
	}
	code, out, errs = run(admin, "datasource", "create", "--file", file(ds))
	if code != 0 {
		t.Fatalf("datasource create: %d %s %s", code, out, errs)
	}
	code, out, _ = run(admin, "datasource", "list")
	if code != 0 || !strings.Contains(out, "cli") {
		t.Fatalf("datasource list: %d %s", code, out)
	}

	code, out, errs = run(operator, "sync", "plan", "cli", "-o", "json")
	var pv idsync.Preview
	if code != 0 || json.Unmarshal([]byte(out), &pv) != nil || pv.Plan.Summary.Updates != 2 || !pv.Plan.NeedsConfirmation || pv.Plan.Summary.Orphans != 1 {
		t.Fatalf("sync plan: %d %s %s", code, out, errs)
	}
	if pv.Plan.Summary.Missing != 1 || len(pv.Plan.Missing) != 1 || pv.Plan.Missing[0].MatchValue != lacking+"@example.test" || pv.Plan.Limit != 5 {
		t.Fatalf("sync plan: missing accounts %+v (summary %d, limit %d), want %s", pv.Plan.Missing, pv.Plan.Summary.Missing, pv.Plan.Limit, lacking)
	}
	code, out, _ = run(operator, "sync", "plan", "cli")
	// Orphans and missing accounts are named by e-mail beside the id.
	if code != 0 || !strings.Contains(out, "update") || !strings.Contains(out, "stale-"+name+"@example.test (app id ") ||
		!regexp.MustCompile(`missing account\s+1\s`).MatchString(out) || !strings.Contains(out, lacking+"@example.test  ") {
		t.Fatalf("sync plan text: %d %s", code, out)
	}
	// --details streams every object, then the preview with the counts.
	code, out, errs = run(operator, "sync", "plan", "cli", "--details", "-o", "json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	counts := map[string]int{}
	for _, l := range lines[:len(lines)-1] {
		var ev idsync.Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.Item == nil {
			t.Fatalf("sync plan --details: line %q is not an object (%v)", l, err)
		}
		counts[ev.Item.Category]++
	}
	var last idsync.Event
	if code != 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &last) != nil || last.Preview == nil {
		t.Fatalf("sync plan --details -o json: %d %s %s", code, out, errs)
	}
	s := last.Preview.Plan.Summary
	if want := map[string]int{mapping.ItemUpdate: s.Updates, mapping.ItemOrphan: s.Orphans, mapping.ItemMissing: s.Missing}; !reflect.DeepEqual(counts, want) ||
		len(last.Preview.Plan.Updates) != 0 {
		t.Errorf("streamed objects %v, want the summary's %v and no lists in the preview", counts, want)
	}
	code, out, _ = run(operator, "sync", "plan", "cli", "--details")
	if code != 0 || !regexp.MustCompile(`(?m)^missing account\s+`+regexp.QuoteMeta(lacking)).MatchString(out) || strings.Contains(out, "more (--details") {
		t.Fatalf("sync plan --details text: %d %s", code, out)
	}
	// The route: limit samples, details needs a stream, bad values are 400.
	post := func(query string) (int, []byte) {
		req := httptest.NewRequest("POST", "/v1/datasources/cli/plan"+query, nil)
		req.Header.Set("Authorization", "Bearer "+operator)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	st, body := post("?limit=1")
	var one idsync.Preview
	if st != 200 || json.Unmarshal(body, &one) != nil || len(one.Plan.Updates) != 1 || one.Plan.Summary.Updates != 2 || one.Plan.Limit != 1 {
		t.Errorf("plan?limit=1: %d %.300s", st, body)
	}
	for _, q := range []string{"?limit=0", "?limit=ten", "?details=true", "?stream=ndjson&details=true&limit=3", "?details=yes"} {
		if st, body := post(q); st != 400 {
			t.Errorf("plan%s: %d %.200s, want 400", q, st, body)
		}
	}
	// Two updates are over the limit of one: refused until confirmed.
	code, out, errs = run(operator, "sync", "apply", "cli")
	if code != cli.ExitConflict || !strings.Contains(errs, "--confirm") || !strings.Contains(out, "waiting") {
		t.Fatalf("sync apply over the limit: %d %s %s", code, out, errs)
	}
	if u := userByMail(t, dir, name+"@example.test"); u.Get("displayName") != "Old Name" {
		t.Fatal("an unconfirmed apply wrote to the directory")
	}
	code, out, errs = run(operator, "sync", "apply", "cli", "--confirm", "-o", "json")
	var res idsync.Result
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Counts["updated"] != 2 || res.Status != store.RunSucceeded {
		t.Fatalf("sync apply: %d %s %s", code, out, errs)
	}
	if u := userByMail(t, dir, name+"@example.test"); u.Get("displayName") != "New Name" {
		t.Fatalf("after apply: %v", u.Attributes)
	}
	code, out, _ = run(admin, "datasource", "delete", "cli")
	if code != 0 {
		t.Fatalf("datasource delete: %d %s", code, out)
	}

	// A draft is tested without being saved; an edit is tested again.
	draft := def
	draft.ID, draft.Paging.PageSize = "draft", 10
	code, out, errs = run(admin, "inbound", "test", integ, "--file", file(draft))
	if code != 0 || !strings.Contains(out, "page-size=10") {
		t.Fatalf("inbound test --file: %d %s %s", code, out, errs)
	}
	if code, _, _ = run(admin, "inbound", "show", integ, "draft"); code != cli.ExitNotFound {
		t.Fatalf("a tested draft was saved: %d", code)
	}
	def.Paging.PageSize = 25
	code, out, errs = run(admin, "inbound", "edit", integ, "people", "--file", file(def))
	if code != 0 || !strings.Contains(out, "page-size=25") {
		t.Fatalf("inbound edit: %d %s %s", code, out, errs)
	}
	def.URL = "/v1/workspaces/{WorkspaceID}/nothing-here"
	code, _, errs = run(admin, "inbound", "edit", integ, "people", "--file", file(def))
	if code == 0 || !strings.Contains(errs, "test failed") {
		t.Fatalf("inbound edit to a failing URL: %d %s", code, errs)
	}
	code, out, _ = run(admin, "inbound", "show", integ, "people", "-o", "json")
	if code != 0 || json.Unmarshal([]byte(out), &shown) != nil || shown.Paging.PageSize != 25 {
		t.Fatalf("a failed edit changed the endpoint: %s", out)
	}
	if code, out, errs = run(admin, "inbound", "remove", integ, "people"); code != 0 {
		t.Fatalf("inbound remove: %d %s %s", code, out, errs)
	}
	if code, _, errs = run(admin, "inbound", "remove", integ, "list-users"); code != cli.ExitConflict {
		t.Fatalf("removing a preconfigured endpoint: %d %s", code, errs)
	}
}
