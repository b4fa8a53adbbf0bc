package sync_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/sync/synctest"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// rolesDataSource compares List Workers' roles with the integration's
// role table (the setting the roles template reads).
func rolesDataSource(id, ou, tableSetting string) idsync.DataSource {
	return idsync.DataSource{
		ID: id,
		DataSource: mapping.DataSource{
			Name: "Clockify roles " + id, Category: mapping.CategoryOrphansReport,
			Endpoints: []mapping.EndpointRef{{Alias: "workers", IntegrationID: integ, EndpointID: "list-workers", PrimaryKey: "id"}},
			Match:     mapping.MatchRule{Field: mapping.FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
			Roles:     &mapping.RoleRule{Field: mapping.FieldRef{Path: "roles[].role"}, TableSetting: tableSetting},
		},
		Scope: idsync.Scope{Base: ou},
	}
}

// TestPlanShowsRoleDrift: a plan of a roles data source lists the accounts
// whose Clockify roles differ from what their AD groups give, nested
// groups included (in-chain on Samba AD, the walk on OpenLDAP): a member
// of a group inside the admins' group lacking the role, a holder of a role
// no group of theirs gives, and a project manager row's member; accounts
// in line, and roles the table does not map, are not listed. Leaving the
// nested group ends the drift; apply records it and writes nothing.
func TestPlanShowsRoleDrift(t *testing.T) {
	eachDirectory(t, func(t *testing.T, dir *directory.Client) {
		ou := dirtest.NewOU(t, dir)
		sfx := randHex(3)
		mail := func(who string) string { return who + "-" + sfx + "@example.test" }
		user := func(who string) directory.User {
			return dirtest.AddUser(t, dir, ou, dirtest.User{Name: dirtest.UniqueName(who), Attributes: map[string][]string{"mail": {mail(who)}}})
		}
		ann, ben, cat, dan := user("ann"), user("ben"), user("cat"), user("dan")
		// Zed has no account; he keeps the inner group from being
		// empty, which OpenLDAP's groupOfNames cannot be.
		zed := user("zed")
		inner := dirtest.AddGroup(t, dir, ou, dirtest.UniqueName("ops"), ann.DN, zed.DN)
		admins, leads, pms := dirtest.UniqueName("Admins"), dirtest.UniqueName("Leads"), dirtest.UniqueName("PMs")
		dirtest.AddGroup(t, dir, ou, admins, inner)
		dirtest.AddGroup(t, dir, ou, leads, dan.DN)
		dirtest.AddGroup(t, dir, ou, pms, inner, cat.DN)

		const eng, engProject = "6650a1b2c3d4e5f6a7b8cb01", "6650a1b2c3d4e5f6a7b8cc01"
		seed := seedWith(
			sandbox.User{Email: "owner-" + sfx + "@example.test", Name: "Owner"},
			sandbox.User{Email: mail("ann"), Name: "Ann", Roles: []sandbox.Role{{Role: "PROJECT_MANAGER", EntityID: engProject}}},
			sandbox.User{Email: mail("ben"), Name: "Ben", Roles: []sandbox.Role{{Role: "WORKSPACE_ADMIN", EntityID: sandbox.DefaultWorkspaceID}}},
			sandbox.User{Email: mail("cat"), Name: "Cat"},
			sandbox.User{Email: mail("dan"), Name: "Dan", Roles: []sandbox.Role{{Role: "TEAM_MANAGER", EntityID: eng, SourceType: "USER_GROUP"}}},
		)
		start := sandboxApp(seed, nil)
		env := synctest.Start(t, synctest.Options{StartApp: func(ctx context.Context, key string) (synctest.App, error) {
			app, err := start(ctx, key)
			if err == nil {
				app.Settings["roleTable"] = admins + " -> WORKSPACE_ADMIN; " + leads + " -> TEAM_MANAGER; " + pms + " -> PROJECT_MANAGER"
			}
			return app, err
		}})
		svc, err := idsync.New(idsync.Config{Docs: env.Store, Runs: env.Store.Runs(), Endpoints: env.Inbound, Directory: dir,
			Masker: env.Masker, Logger: env.Logger.Named("sync"), Settings: outbound.ServiceIntegrations{Service: env.Integrations}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := ctxT(t)
		if _, err := svc.Create(ctx, rolesDataSource("roles", ou, "roleTable")); err != nil {
			t.Fatalf("save the data source: %v", err)
		}

		drift := func() map[string]mapping.RoleDrift {
			t.Helper()
			plan := mustPlan(t, svc, "roles")
			got := map[string]mapping.RoleDrift{}
			for _, r := range plan.Roles {
				got[r.UserID] = r
			}
			if plan.Summary.RoleDrift != len(plan.Roles) {
				t.Errorf("summary counts %d role drifts, the plan lists %d", plan.Summary.RoleDrift, len(plan.Roles))
			}
			return got
		}
		got := drift()
		if len(got) != 3 {
			t.Fatalf("role drift %+v, want ann, ben and cat", got)
		}
		// Ann is an admin through the inner group and a project
		// manager through it too, which she is.
		if r := got[ann.ID]; !slices.Equal(r.Give, []string{"WORKSPACE_ADMIN"}) || r.Take != nil || r.MatchValue != mail("ann") {
			t.Errorf("ann: %+v", r)
		}
		if r := got[ben.ID]; !slices.Equal(r.Take, []string{"WORKSPACE_ADMIN"}) || r.Give != nil {
			t.Errorf("ben: %+v", r)
		}
		if r := got[cat.ID]; !slices.Equal(r.Give, []string{"PROJECT_MANAGER"}) {
			t.Errorf("cat: %+v", r)
		}
		if _, listed := got[dan.ID]; listed {
			t.Errorf("dan, in line, is listed: %+v", got[dan.ID])
		}

		// Ann leaves the nested group: she should lose both roles,
		// and holds only the project manager's.
		if err := dir.RemoveFromGroup(ctx, inner, ann.DN); err != nil {
			t.Fatal(err)
		}
		got = drift()
		if r := got[ann.ID]; !slices.Equal(r.Take, []string{"PROJECT_MANAGER"}) || r.Give != nil {
			t.Errorf("ann after leaving: %+v", r)
		}

		res, err := svc.Apply(ctx, "roles", idsync.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts["role drift"] != 3 {
			t.Errorf("apply counts %v, want 3 role drifts", res.Counts)
		}
		reported := 0
		for _, e := range entries(t, env.Store.Runs(), res.RunID) {
			if e.Step == idsync.StepRoles && e.Outcome == idsync.OutcomeReported {
				reported++
			}
		}
		if reported != 3 {
			t.Errorf("the run records %d role drifts, want 3", reported)
		}
		if res.Status != store.RunSucceeded {
			t.Errorf("apply of a roles report ended %s", res.Status)
		}

		// Naming the roles automation makes apply hand the users
		// over; a refusal makes the apply partial and says why.
		runs := &fakeRoleRuns{runs: []string{"run-1"}}
		handing, err := idsync.New(idsync.Config{Docs: env.Store, Runs: env.Store.Runs(), Endpoints: env.Inbound, Directory: dir,
			Masker: env.Masker, Logger: env.Logger.Named("sync"), Settings: outbound.ServiceIntegrations{Service: env.Integrations}, RoleRuns: runs})
		if err != nil {
			t.Fatal(err)
		}
		ds := rolesDataSource("roles", ou, "roleTable")
		ds.Roles.Automation = "clockify-roles-auto"
		if _, err := handing.Update(ctx, ds); err != nil {
			t.Fatalf("update the data source: %v", err)
		}
		res, err = handing.Apply(ctx, "roles", idsync.ApplyOptions{})
		if err != nil || res.Counts["roles handed over"] != 3 || runs.automation != "clockify-roles-auto" || len(runs.users) != 3 ||
			!slices.ContainsFunc(runs.users, func(dn string) bool { return strings.EqualFold(dn, ben.DN) }) {
			t.Fatalf("hand-over: %v %v, automation %q users %v", err, res.Counts, runs.automation, runs.users)
		}
		runs.err = errors.New("no automation has this id")
		res, _ = handing.Apply(ctx, "roles", idsync.ApplyOptions{})
		failed := byOutcome(entries(t, env.Store.Runs(), res.RunID))[idsync.OutcomeFailed]
		if res.Status != store.RunPartial || len(failed) != 1 || !strings.Contains(failed[0].Error, "no automation has this id") {
			t.Errorf("a refused hand-over: %s, failed entries %+v", res.Status, failed)
		}

		// A table setting the integration does not have is the
		// admin's mistake, named with what to do.
		if _, err := svc.Create(ctx, rolesDataSource("typo", ou, "roleTabel")); err != nil {
			t.Fatalf("save: %v", err)
		}
		_, err = svc.Plan(ctx, "typo", idsync.RunOptions{})
		if !errors.Is(err, idsync.ErrRoleTable) || !strings.Contains(err.Error(), `no setting "roleTabel"`) {
			t.Errorf("a missing table setting: %v", err)
		}
	})
}

// fakeRoleRuns records what a sync hands to the roles automation.
type fakeRoleRuns struct {
	automation string
	users      []string
	runs       []string
	err        error
}

func (f *fakeRoleRuns) ApplyRoles(_ context.Context, automation string, users []string) ([]string, error) {
	if f.err != nil {
		return nil, f.err
	}
	f.automation, f.users = automation, users
	return f.runs, nil
}
