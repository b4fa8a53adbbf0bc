package sync_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/sync/synctest"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestSaveRefusesUnknownFieldsAttributesAndKeys: mistakes are errors when
// the data source is saved, and nothing is stored.
func TestSaveRefusesUnknownFieldsAttributesAndKeys(t *testing.T) {
	dir := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, dir)
	env := startEnv(t, nil)
	svc := newService(t, env, dir)
	ctx := ctxT(t)

	cases := []struct {
		name   string
		change func(*idsync.DataSource)
		kind   error
		text   string
	}{
		{"unknown field", func(d *idsync.DataSource) {
			d.Mappings[0].Field.Path = "nickname"
		}, mapping.ErrUnknownField, "nickname"},
		{"unknown LDAP attribute", func(d *idsync.DataSource) {
			d.Mappings[0].Attribute = "favouriteColour"
		}, mapping.ErrUnknownAttribute, "favouriteColour"},
		{"primary key missing from one endpoint", func(d *idsync.DataSource) {
			d.Endpoints[1].PrimaryKey = "userId"
		}, mapping.ErrMissingKey, "userId"},
		{"unknown field in a custom format", func(d *idsync.DataSource) {
			d.Mappings[1] = mapping.Mapping{Format: "%lower(workers.settings.timezone2)%", Attribute: "title"}
		}, mapping.ErrBadFormat, "timezone2"},
		{"unknown endpoint without an alias", func(d *idsync.DataSource) {
			d.Endpoints[1].Alias, d.Endpoints[1].EndpointID = "", "no-such-endpoint"
		}, idsync.ErrInvalid, "Endpoint 2: unknown inbound endpoint"},
		{"bad scope filter", func(d *idsync.DataSource) {
			d.Scope.Filter = "(department=Sales"
		}, idsync.ErrInvalid, "LDAP filter of the scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds := usersAndWorkers("bad", ou, mapping.CategoryUpdateUsers)
			c.change(&ds)
			_, err := svc.Create(ctx, ds)
			var inv *idsync.InvalidError
			if !errors.As(err, &inv) || !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("save = %v, want an InvalidError of kind %v naming %q", err, c.kind, c.text)
			}
			if _, err := svc.Get(ctx, "bad"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("an invalid data source was stored: %v", err)
			}
		})
	}
	// Through the API the message names places in words and the
	// structured fields keep the paths a form places them by.
	tokens := api.NewTokens(store.NewMemoryDocs())
	admin, _, err := tokens.Create(ctx, "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens})
	if err := srv.Mount(svc); err != nil {
		t.Fatal(err)
	}
	bad := usersAndWorkers("bad", ou, mapping.CategoryUpdateUsers)
	bad.Mappings[0].Attribute = "favouriteColour"
	bad.Mappings[1] = mapping.Mapping{Format: "%lower(workers.settings.timezone2)%", Attribute: "title"}
	body, _ := json.Marshal(bad)
	req := httptest.NewRequest("POST", "/v1/datasources", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+admin)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var answer struct {
		Error api.Error `json:"error"`
	}
	if rec.Code != 400 || json.Unmarshal(rec.Body.Bytes(), &answer) != nil || answer.Error.Code != "invalid_datasource" {
		t.Fatalf("POST = %d %s, want 400 invalid_datasource", rec.Code, rec.Body)
	}
	msg := answer.Error.Message
	if strings.Contains(msg, "mappings[") || !strings.Contains(msg, "LDAP attribute of the mapping to 'favouriteColour': the directory has no attribute") ||
		!strings.Contains(msg, "Custom format of the mapping to 'title', line 1, column 8: ") {
		t.Errorf("message = %q, want each mapping named by its attribute and the format's line and column", msg)
	}
	paths := map[string]string{}
	for _, f := range answer.Error.Fields {
		paths[f.Field] = f.Message
	}
	if m := paths["mappings[0].attribute"]; !strings.HasPrefix(m, "the directory has no attribute") {
		t.Errorf("fields = %+v, want mappings[0].attribute with the problem in words", answer.Error.Fields)
	}
	if m := paths["mappings[1].format"]; !strings.HasPrefix(m, "line 1, column 8: unknown macro") {
		t.Errorf("fields = %+v, want mappings[1].format with its line and column", answer.Error.Fields)
	}
	// An endpoint that does not exist is named too.
	ds := usersAndWorkers("bad", ou, mapping.CategoryUpdateUsers)
	ds.Endpoints[1].EndpointID = "list-nothing"
	if _, err := svc.Create(ctx, ds); err == nil || !strings.Contains(err.Error(), "list-nothing") {
		t.Fatalf("unknown endpoint: %v", err)
	}
}

// TestRecordsMissingTheKeyAreReported: records without the join key are
// counted and shown in the join report, not dropped silently.
func TestRecordsMissingTheKeyAreReported(t *testing.T) {
	dir := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, dir)
	sfx := randHex(3)
	env := startEnv(t, seedWith(
		sandbox.User{Email: "owner-" + sfx + "@example.test", Name: "Owner " + sfx},
		sandbox.User{Email: "member-" + sfx + "@example.test", Name: "Member " + sfx},
		// Invited, not signed up: no name yet.
		sandbox.User{Email: "invited-" + sfx + "@example.test", Status: "NOT_REGISTERED", MembershipStatus: "PENDING"},
	))
	svc := newService(t, env, dir)
	ctx := ctxT(t)
	ds := usersAndWorkers("by-name", ou, mapping.CategoryOrphansReport)
	ds.Endpoints[0].PrimaryKey, ds.Endpoints[1].PrimaryKey = "name", "name"
	ds.Options.Active = nil
	if _, err := svc.Create(ctx, ds); err != nil {
		t.Fatal(err)
	}
	plan := mustPlan(t, svc, "by-name")
	users := plan.Join.Endpoints[0]
	if users.Records != 3 || users.MissingKey != 1 || len(users.Issues) == 0 || !strings.Contains(users.Issues[0].Record, "invited-"+sfx) {
		t.Fatalf("users endpoint report = %+v", users)
	}
	if plan.Join.Joined != 2 {
		t.Errorf("joined = %d, want the 2 records with a key", plan.Join.Joined)
	}
}

// TestFilterInjectionInAFieldValueMatchesNothing: an app e-mail written as
// an LDAP filter fragment is data, never filter syntax.
func TestFilterInjectionInAFieldValueMatchesNothing(t *testing.T) {
	for _, flavor := range []struct {
		name string
		cfg  func(testing.TB) directory.Config
	}{{"samba-ad", dirtest.AD}, {"openldap", dirtest.OpenLDAP}} {
		t.Run(flavor.name, func(t *testing.T) {
			dir := dirtest.Connect(t, flavor.cfg(t))
			ou := dirtest.NewOU(t, dir)
			var names []string
			for range 3 {
				n := dirtest.UniqueName("inj")
				names = append(names, n)
				dirtest.AddUser(t, dir, ou, dirtest.User{Name: n, Attributes: map[string][]string{"displayName": {"Unchanged"}}})
			}
			env := startEnv(t, seedWith(
				sandbox.User{Email: "*)(mail=*", Name: "Injected"},
				sandbox.User{Email: "*", Name: "Star"},
				sandbox.User{Email: names[0] + "@example.test)(|(mail=*", Name: "Also injected"},
				// A value with filter syntax in a mapped field is written
				// literally to the one matched user.
				sandbox.User{Email: names[1] + "@example.test", Name: "*)(displayName=*"},
			))
			svc := newService(t, env, dir)
			ctx := ctxT(t)
			ds := usersAndWorkers("inject", ou, mapping.CategoryUpdateUsers)
			ds.Options.Active = nil
			if _, err := svc.Create(ctx, ds); err != nil {
				t.Fatal(err)
			}
			plan := mustPlan(t, svc, "inject")
			if plan.Summary.Updates != 1 || plan.Updates[0].MatchValue != names[1]+"@example.test" {
				t.Fatalf("plan: %s, updates %+v; want only %s's name", summary(plan), plan.Updates, names[1])
			}
			if plan.Summary.Orphans != 3 || plan.Summary.Conflicts != 0 {
				t.Fatalf("plan: %s; the three injected e-mails must match no user", summary(plan))
			}
			if _, err := svc.Apply(ctx, "inject", idsync.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			if u := userByMail(t, dir, names[1]+"@example.test"); u.Get("displayName") != "*)(displayName=*" {
				t.Errorf("%s displayName = %q, want the literal value", names[1], u.Get("displayName"))
			}
			for _, n := range []string{names[0], names[2]} {
				if u := userByMail(t, dir, n+"@example.test"); u.Get("displayName") != "Unchanged" {
					t.Errorf("%s was changed to %q by an injected value", n, u.Get("displayName"))
				}
			}
		})
	}
}

// TestDirectoryLostMidApply stops the directory in the middle of an apply:
// the run stops with a clear error and its record says exactly which
// changes were written, which one was in flight and which were not tried.
func TestDirectoryLostMidApply(t *testing.T) {
	slapd := dirtest.StartSlapd(t)
	dir := dirtest.Connect(t, slapd.Config)
	ou := dirtest.NewOU(t, dir)
	const n, stopAfter = 30, 10
	var users []sandbox.User
	for i := range n {
		name := dirtest.UniqueName("lost")
		dirtest.AddUser(t, dir, ou, dirtest.User{Name: name, Attributes: map[string][]string{"displayName": {"Before"}}})
		users = append(users, sandbox.User{Email: name + "@example.test", Name: "After " + string(rune('A'+i))})
	}
	env := startEnv(t, seedWith(users...))
	svc := newService(t, env, dir)
	ctx := ctxT(t)
	ds := usersAndWorkers("lost", ou, mapping.CategoryUpdateUsers)
	if _, err := svc.Create(ctx, ds); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Apply(ctx, "lost", idsync.ApplyOptions{RunOptions: idsync.RunOptions{Progress: func(p idsync.Progress) {
		if p.Phase == idsync.PhaseApply && p.Done == stopAfter {
			slapd.Stop()
		}
	}}})
	var re *idsync.RunError
	if !errors.Is(err, idsync.ErrDirectoryLost) || !errors.Is(err, directory.ErrUnavailable) || !errors.As(err, &re) {
		t.Fatalf("apply with the directory gone = %v, want ErrDirectoryLost in a RunError", err)
	}
	if re.RunID != res.RunID || re.Applied != stopAfter || !strings.Contains(err.Error(), "run record") {
		t.Errorf("run error = %+v: %v", re, err)
	}
	run, err := env.Store.Runs().Get(ctx, res.RunID)
	if err != nil || run.Status != store.RunFailed || !strings.Contains(run.Error, "unavailable") {
		t.Fatalf("run = %+v, %v", run, err)
	}
	es := byOutcome(entries(t, env.Store.Runs(), res.RunID))
	ok, unknown, notApplied := es[idsync.OutcomeOK], es[idsync.OutcomeUnknown], es[idsync.OutcomeNotApplied]
	if len(ok) != stopAfter || len(unknown) != 1 || len(notApplied) != n-stopAfter-1 {
		t.Fatalf("entries: ok %d, unknown %d, not applied %d", len(ok), len(unknown), len(notApplied))
	}
	if run.Counts["updated"] != stopAfter || run.Counts["not applied"] != n-stopAfter-1 {
		t.Errorf("run counts = %v", run.Counts)
	}

	// With the directory back, the record must agree with it.
	slapd.Restart(t)
	check := func(es []store.RunEntry, want string) {
		for _, e := range es {
			var req idsync.EntryRequest
			if err := json.Unmarshal(e.Request, &req); err != nil {
				t.Fatal(err)
			}
			u, err := dir.GetUser(ctx, req.DN)
			if err != nil {
				t.Fatalf("read %s: %v", req.DN, err)
			}
			if got := u.Get("displayName"); (want == "Before") != (got == "Before") {
				t.Errorf("%s is %q in the directory but recorded as %s", req.DN, got, e.Outcome)
			}
		}
	}
	check(ok, "After")
	check(notApplied, "Before")
	// The next run picks up what remains.
	time.Sleep(100 * time.Millisecond)
	res, err = svc.Apply(ctx, "lost", idsync.ApplyOptions{})
	if err != nil || res.Counts["updated"] < n-stopAfter-1 {
		t.Fatalf("apply after the directory came back = %v, %v", res, err)
	}
	if again := mustPlan(t, svc, "lost"); again.Summary.Updates != 0 {
		t.Fatalf("plan after recovery: %s", summary(again))
	}
}

// TestNoSecretInLogsStoreOrRunRecords runs a full sync and then looks for
// the integration's API key everywhere the host writes.
func TestNoSecretInLogsStoreOrRunRecords(t *testing.T) {
	dir := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, dir)
	name := dirtest.UniqueName("sec")
	dirtest.AddUser(t, dir, ou, dirtest.User{Name: name})
	var app *sandbox.Server
	env := synctest.Start(t, synctest.Options{StartApp: sandboxApp(seedWith(
		sandbox.User{Email: name + "@example.test", Name: "Secret Keeper"},
		sandbox.User{Email: "orphan-" + name + "@example.test", Name: "Nobody"},
	), &app)})
	svc := newService(t, env, dir)
	ctx := ctxT(t)
	if _, err := svc.Create(ctx, usersAndWorkers("secret", ou, mapping.CategoryUpdateUsers)); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Apply(ctx, "secret", idsync.ApplyOptions{})
	if err != nil || res.Counts["updated"] != 1 {
		t.Fatalf("apply = %+v, %v", res, err)
	}
	// The key was really used: the sandbox saw it on every call.
	used := false
	for _, r := range app.Requests() {
		used = used || r.KeyID == sandbox.DefaultAdminKeyID
	}
	if !used {
		t.Fatal("the sandbox never saw the API key; the test would prove nothing")
	}
	key := []byte(env.APIKey)
	es := entries(t, env.Store.Runs(), res.RunID)
	run, err := env.Store.Runs().Get(ctx, res.RunID)
	if err != nil || len(es) < 2 {
		t.Fatalf("run record: %+v, %d entries, %v", run, len(es), err)
	}
	if raw, _ := json.Marshal(struct {
		R store.Run
		E []store.RunEntry
	}{run, es}); bytes.Contains(raw, key) {
		t.Error("the run record holds the API key")
	}
	if err := env.Store.Close(); err != nil { // flush the WAL into the file
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(env.DataDir, "*"))
	checked := 0
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.IsDir() || strings.HasSuffix(f, "idbridge-clockify") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if bytes.Contains(b, key) {
			t.Errorf("%s holds the API key in clear", filepath.Base(f))
		}
	}
	if log, _ := os.ReadFile(env.LogPath); len(log) == 0 || checked < 2 {
		t.Fatalf("nothing to check: %d files, log of %d bytes", checked, len(log))
	}
	for _, e := range res.Plan.Orphans {
		if strings.Contains(e.Reason, env.APIKey) {
			t.Error("the plan holds the API key")
		}
	}
}
