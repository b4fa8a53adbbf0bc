package automation_test

import (
	"slices"
	"testing"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestRolesFollowNestedGroupsEndToEnd: the shipped roles template gives a
// user the workspace admin role when they join a group nested in
// "Clockify Workspace Admins" and takes it away when they leave it; a
// member of "Clockify Team Managers" manages their department's Clockify
// group.
func TestRolesFollowNestedGroupsEndToEnd(t *testing.T) {
	everyDirectory(t, func(t *testing.T, c *directory.Client) {
		cl := startClockify(t, 0)
		f := newFixture(t, c, automation.Config{Runner: cl.exec, Templates: cl.exec})
		scope := automation.Scope{OU: f.in, Subtree: true}
		inner := dirtest.AddGroup(t, c, f.root, dirtest.UniqueName("ops"))
		// The admins group holds the inner group, not the user.
		dirtest.AddGroup(t, c, f.root, "Clockify Workspace Admins", inner)
		managers := dirtest.AddGroup(t, c, f.root, "Clockify Team Managers")
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
