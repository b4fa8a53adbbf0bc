package automation_test

import (
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
// of the integration's admin table and takes it away when they leave it;
// a member of a group of the team manager table manages their
// department's Clockify group. The tables are the admin's own groups,
// named in the integration's settings, not the template's defaults.
func TestRolesFollowNestedGroupsEndToEnd(t *testing.T) {
	everyDirectory(t, func(t *testing.T, c *directory.Client) {
		adminsName, managersName := dirtest.UniqueName("Finance Admins"), dirtest.UniqueName("Leads")
		cl := startClockifyWith(t, 0, map[string]string{
			// By CN, after an entry that names no group; by CN again
			// in another case for the managers.
			clockify.SettingWorkspaceAdminGroups: "Nobody Here; " + adminsName,
			clockify.SettingTeamManagerGroups:    strings.ToUpper(managersName),
		})
		f := newFixture(t, c, automation.Config{Runner: cl.exec, Templates: cl.exec})
		scope := automation.Scope{OU: f.in, Subtree: true}
		inner := dirtest.AddGroup(t, c, f.root, dirtest.UniqueName("ops"))
		// The admins group holds the inner group, not the user.
		dirtest.AddGroup(t, c, f.root, adminsName, inner)
		managers := dirtest.AddGroup(t, c, f.root, managersName)
		// The default group names are no longer the table: a member of
		// one gets nothing.
		unmapped := dirtest.AddGroup(t, c, f.root, clockify.DefaultWorkspaceAdminGroups)
		f.create(eventAutomation("Clockify onboarding", "clockify-onboarding", scope, watch.UserCreated, automation.ScopeEntered))
		f.create(eventAutomation("Clockify roles", "clockify-roles", scope, automation.ScopeEntered, watch.GroupMembershipChanged))

		dept := dirtest.UniqueName("Finance")
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
	})
}
