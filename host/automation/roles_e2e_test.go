package automation_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestRolesFollowNestedGroupsEndToEnd: the shipped roles template gives a
// user the workspace admin role when they join a group nested in a group
// of the integration's role table and takes it away when they leave it;
// a member of a team manager row's group manages their department's
// Clockify group, and a member of a project manager row's group manages
// their department's project. The table is the admin's own rows, in the
// integration's settings, not the template's defaults; the project
// manager row is one the shipped template has no step naming a group for.
func TestRolesFollowNestedGroupsEndToEnd(t *testing.T) {
	everyDirectory(t, func(t *testing.T, c *directory.Client) {
		adminsName, managersName := dirtest.UniqueName("Finance Admins"), dirtest.UniqueName("Leads")
		pmName := dirtest.UniqueName("Project Leads")
		cl := startClockifyWith(t, 0, map[string]string{
			// By CN, after a row that names no group; by CN again in
			// another case for the managers; a row of a third role.
			clockify.SettingRoleTable: "Nobody Here -> WORKSPACE_ADMIN; " + adminsName + " -> WORKSPACE_ADMIN\n" +
				strings.ToUpper(managersName) + " -> TEAM_MANAGER; " + pmName + " → PROJECT_MANAGER",
		})
		f := newFixture(t, c, automation.Config{Runner: cl.exec, Templates: cl.exec})
		scope := automation.Scope{OU: f.in, Subtree: true}
		inner := dirtest.AddGroup(t, c, f.root, dirtest.UniqueName("ops"))
		// The admins group holds the inner group, not the user.
		dirtest.AddGroup(t, c, f.root, adminsName, inner)
		managers := dirtest.AddGroup(t, c, f.root, managersName)
		// The default group names are no longer the table: a member of
		// one gets nothing.
		unmapped := dirtest.AddGroup(t, c, f.root, clockify.DefaultWorkspaceAdminGroup)
		pms := dirtest.AddGroup(t, c, f.root, pmName)
		f.create(eventAutomation("Clockify onboarding", "clockify-onboarding", scope, watch.UserCreated, automation.ScopeEntered))
		f.create(eventAutomation("Clockify roles", "clockify-roles", scope, automation.ScopeEntered, watch.GroupMembershipChanged))

		dept := dirtest.UniqueName("Finance")
		project := cl.createProject(t, dept)
		u := f.user(f.in, "rita", map[string][]string{"department": {dept}})
		f.pollClean(cl)
		m, ok := cl.member(u.Get("mail"))
		if !ok {
			t.Fatal("onboarding: the user is not in the workspace")
		}
		roles := func() []sandbox.Role {
			m, _ := cl.member(u.Get("mail"))
			return m.Roles
		}
		admin := sandbox.Role{Role: "WORKSPACE_ADMIN", EntityID: sandbox.DefaultWorkspaceID, SourceType: "USER_GROUP"}
		if slices.Contains(roles(), admin) {
			t.Fatalf("a user in no mapped group is a workspace admin: %+v", roles())
		}
		must(t, c.AddToGroup(f.ctx, unmapped, u.DN))
		f.pollClean(cl)
		if slices.Contains(roles(), admin) {
			t.Fatalf("a member of a group the table does not name is a workspace admin: %+v", roles())
		}

		must(t, c.AddToGroup(f.ctx, inner, u.DN))
		f.pollClean(cl)
		if !slices.Contains(roles(), admin) {
			t.Fatalf("joined a group nested in the admins group: roles %+v, want workspace admin", roles())
		}

		must(t, c.RemoveFromGroup(f.ctx, inner, u.DN))
		f.pollClean(cl)
		if slices.Contains(roles(), admin) {
			t.Fatalf("left the nested group: roles %+v, want no workspace admin", roles())
		}

		must(t, c.AddToGroup(f.ctx, managers, u.DN))
		f.pollClean(cl)
		var deptGroup string
		for _, g := range cl.sb.Groups(sandbox.DefaultWorkspaceID) {
			if g.Name == dept {
				deptGroup = g.ID
			}
		}
		manager := sandbox.Role{Role: "TEAM_MANAGER", EntityID: deptGroup, SourceType: "USER_GROUP"}
		if deptGroup == "" || !slices.Contains(roles(), manager) {
			t.Fatalf("joined the team managers: roles %+v, want team manager of %s (%s) for %s", roles(), dept, deptGroup, m.ID)
		}
		must(t, c.RemoveFromGroup(f.ctx, managers, u.DN))
		f.pollClean(cl)
		if slices.Contains(roles(), manager) {
			t.Fatalf("left the team managers: roles %+v", roles())
		}

		// The project managers' group holds the inner group.
		must(t, c.AddToGroup(f.ctx, pms, inner))
		must(t, c.AddToGroup(f.ctx, inner, u.DN))
		f.pollClean(cl)
		pm := sandbox.Role{Role: "PROJECT_MANAGER", EntityID: project}
		if !slices.Contains(roles(), pm) {
			t.Fatalf("in a project manager row's group through nesting: roles %+v, want project manager of %s", roles(), project)
		}
		must(t, c.RemoveFromGroup(f.ctx, inner, u.DN))
		f.pollClean(cl)
		if slices.Contains(roles(), pm) {
			t.Fatalf("left the project managers: roles %+v", roles())
		}
	})
}

// TestRolesLeaveRolesNoRowNames: with the default table, which has no
// project manager row, the roles template leaves a project manager role
// given in Clockify alone, while it still takes the workspace admin role
// from a user in no admin row's group: a role is managed only once a row
// names it.
func TestRolesLeaveRolesNoRowNames(t *testing.T) {
	directories(t, func(t *testing.T, c *directory.Client) {
		cl := startClockifyWith(t, 0, nil)
		f := newFixture(t, c, automation.Config{Runner: cl.exec, Templates: cl.exec})
		scope := automation.Scope{OU: f.in, Subtree: true}
		f.create(eventAutomation("Clockify onboarding", "clockify-onboarding", scope, watch.UserCreated, automation.ScopeEntered))
		dept := dirtest.UniqueName("Research")
		project := cl.createProject(t, dept)
		u := f.user(f.in, "pat", map[string][]string{"department": {dept}})
		f.pollClean(cl)
		m, ok := cl.member(u.Get("mail"))
		if !ok {
			t.Fatal("onboarding: the user is not in the workspace")
		}
		cl.call(t, http.MethodPost, "/users/"+m.ID+"/roles", `{"entityId":"`+project+`","role":"PROJECT_MANAGER"}`, http.StatusCreated, nil)
		cl.call(t, http.MethodPost, "/users/"+m.ID+"/roles", `{"entityId":"`+sandbox.DefaultWorkspaceID+`","role":"WORKSPACE_ADMIN"}`, http.StatusCreated, nil)

		f.create(eventAutomation("Clockify roles", "clockify-roles", scope, automation.ScopeEntered, watch.GroupMembershipChanged))
		must(t, c.AddToGroup(f.ctx, dirtest.AddGroup(t, c, f.root, dirtest.UniqueName("misc")), u.DN))
		f.pollClean(cl)
		m, _ = cl.member(u.Get("mail"))
		if !slices.Contains(m.Roles, sandbox.Role{Role: "PROJECT_MANAGER", EntityID: project}) {
			t.Errorf("a project manager role no row names was taken: %+v", m.Roles)
		}
		if slices.ContainsFunc(m.Roles, func(r sandbox.Role) bool { return r.Role == "WORKSPACE_ADMIN" }) {
			t.Errorf("the admin role of a user in no admin row's group was kept: %+v", m.Roles)
		}
	})
}
