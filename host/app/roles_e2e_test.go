//go:build linux

package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/mapping"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestRoleDriftAppliedThroughTheRolesAutomation is the admin's path for
// roles on a serving host: the signed Clockify extension against the
// sandbox, a role table in the integration's setting naming an AD group
// that holds a group holding Nora, the shipped templates, an automation of
// the roles template, and a data source comparing List Workers' roles with
// the table. Its plan shows Nora lacking the admin role and another member
// holding it without the group; its apply hands both to the automation,
// whose runs give and take the role; the next plan shows no drift.
func TestRoleDriftAppliedThroughTheRolesAutomation(t *testing.T) {
	ctx := context.Background()
	h := startFullHost(t)
	info, dir := demoDirectory(t, h)
	// Two users whose seeded Clockify members hold no role (the owner's
	// key must stay the owner's).
	holdsRole := map[string]bool{}
	for _, u := range sandbox.DefaultSeed().Workspaces[0].Users {
		holdsRole[strings.ToLower(u.Email)] = len(u.Roles) > 0
	}
	var people []directory.User
	if err := dir.Users(ctx, directory.UserQuery{Filter: "(mail=*)"}, func(u directory.User) error {
		if len(people) < 2 && !holdsRole[strings.ToLower(u.Get("mail"))] {
			people = append(people, u)
		}
		return nil
	}); err != nil || len(people) < 2 {
		t.Fatalf("two users with mail in the demo directory: %v %v", people, err)
	}
	nora, other := people[0], people[1]
	inner := dirtest.AddGroup(t, dir, "OU=Groups,"+info.BaseDN, dirtest.UniqueName("Ops"), nora.DN)
	admins := dirtest.UniqueName("Timesheet Admins")
	dirtest.AddGroup(t, dir, "OU=Groups,"+info.BaseDN, admins, inner)

	// Both are members of the workspace (the default seed may have them
	// already); the other one holds the admin role.
	seed := sandbox.DefaultSeed()
	ws := &seed.Workspaces[0]
	for i := range ws.Users { // only the owner keeps a role
		ws.Users[i].Roles = slices.DeleteFunc(ws.Users[i].Roles, func(r sandbox.Role) bool { return r.Role != "OWNER" })
	}
	member := func(u directory.User, id string, roles ...sandbox.Role) string {
		for i := range ws.Users {
			if strings.EqualFold(ws.Users[i].Email, u.Get("mail")) {
				ws.Users[i].Roles = roles
				return ws.Users[i].ID
			}
		}
		ws.Users = append(ws.Users, sandbox.User{ID: id, Email: u.Get("mail"), Name: u.Get("cn"), Roles: roles})
		return id
	}
	noraID := member(nora, "6650a1b2c3d4e5f6a7b8ce01")
	otherID := member(other, "6650a1b2c3d4e5f6a7b8ce02", sandbox.Role{Role: "WORKSPACE_ADMIN", EntityID: sandbox.DefaultWorkspaceID})
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: seed, Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	isAdmin := func(id string) bool {
		for _, u := range sb.Users(sandbox.DefaultWorkspaceID) {
			if u.ID == id {
				return slices.ContainsFunc(u.Roles, func(r sandbox.Role) bool { return r.Role == "WORKSPACE_ADMIN" })
			}
		}
		return false
	}

	h.installBuilt(t, "clockify", nil)
	h.api(t, "POST", "/v1/integrations", integrations.CreateRequest{ID: "clockify", ExtensionID: "clockify", Name: "Clockify",
		Settings: map[string]string{"baseUrl": sb.BaseURL(), "workspaceId": sandbox.DefaultWorkspaceID,
			"roleTable": admins + " -> WORKSPACE_ADMIN"},
		Authorization: map[string]string{"apiKey": sandbox.DefaultAdminKey}}, nil)
	var view integrations.View
	h.api(t, "POST", "/v1/integrations/clockify/enable", nil, &view)
	if !view.Enabled {
		t.Fatalf("enable: %+v", view)
	}
	// A mistyped role in the table is refused, naming the row, through the
	// connector's own declaration; the saved table stays.
	status, answer := h.raw(t, "PATCH", "/v1/integrations/clockify/settings",
		map[string]string{"roleTable": admins + " -> WORKSPACE_ADMIN; " + admins + " -> WORKSPACE_ADMN"})
	if status != 400 || !strings.Contains(string(answer), "Role table row 2: WORKSPACE_ADMN is not a role Clockify gives; use WORKSPACE_ADMIN, TEAM_MANAGER or PROJECT_MANAGER") {
		t.Fatalf("a mistyped role: %d %s; want 400 naming row 2", status, answer)
	}
	h.api(t, "GET", "/v1/integrations/clockify", nil, &view)
	if view.Settings["roleTable"] != admins+" -> WORKSPACE_ADMIN" {
		t.Fatalf("after a refused save roleTable = %q", view.Settings["roleTable"])
	}
	var inst automation.InstallResult
	h.api(t, "POST", "/v1/templates/install", automation.InstallRequest{Integration: "clockify"}, &inst)
	if !slices.Contains(inst.Installed, "clockify-roles") {
		t.Fatalf("templates installed %v, refused %s", inst.Installed, inst.Refused)
	}
	// Disabled: only the data source's apply starts it here.
	var auto automation.Automation
	h.api(t, "POST", "/v1/automations", automation.Automation{Name: "Clockify roles",
		Scope:   automation.Scope{OU: info.BaseDN, Subtree: true},
		Trigger: automation.Trigger{Type: automation.TriggerEvent, Events: []watch.Kind{automation.ScopeEntered}},
		Action:  automation.Action{Template: "clockify-roles"}}, &auto)
	h.api(t, "POST", "/v1/datasources", idsync.DataSource{ID: "clockify-roles", DataSource: mapping.DataSource{
		Name: "Clockify roles", Category: mapping.CategoryOrphansReport,
		Endpoints: []mapping.EndpointRef{{Alias: "workers", IntegrationID: "clockify", EndpointID: "list-workers", PrimaryKey: "id"}},
		Match:     mapping.MatchRule{Field: mapping.FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
		Roles:     &mapping.RoleRule{Field: mapping.FieldRef{Path: "roles[].role"}, TableSetting: "roleTable", Automation: auto.ID},
	}}, nil)

	plan := func() *mapping.Plan {
		t.Helper()
		var pv idsync.Preview
		h.api(t, "POST", "/v1/datasources/clockify-roles/plan", nil, &pv)
		return pv.Plan
	}
	p := plan()
	var give, take []string
	for _, r := range p.Roles {
		give, take = append(give, r.Give...), append(take, r.Take...)
		if !strings.EqualFold(r.DN, nora.DN) && !strings.EqualFold(r.DN, other.DN) {
			t.Errorf("role drift of someone else: %+v", r)
		}
	}
	if p.Summary.RoleDrift != 2 || !slices.Equal(give, []string{"WORKSPACE_ADMIN"}) || !slices.Equal(take, []string{"WORKSPACE_ADMIN"}) {
		t.Fatalf("role drift %d: %+v", p.Summary.RoleDrift, p.Roles)
	}

	var res idsync.Result
	h.api(t, "POST", "/v1/datasources/clockify-roles/apply", nil, &res)
	if res.Counts["roles handed over"] != 2 {
		var run any
		h.api(t, "GET", "/v1/datasources/clockify-roles/runs/"+res.RunID, nil, &run)
		t.Fatalf("apply: %s %v\n%v", res.Status, res.Counts, run)
	}
	// The runs go through the host's queue; the deadline is a safety net.
	deadline := time.Now().Add(2 * time.Minute)
	for !isAdmin(noraID) || isAdmin(otherID) {
		if time.Now().After(deadline) {
			t.Fatalf("after the apply: Nora admin %v, the other admin %v", isAdmin(noraID), isAdmin(otherID))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p := plan(); p.Summary.RoleDrift != 0 {
		t.Fatalf("role drift after the runs: %+v", p.Roles)
	}
}
