package clockify_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/plugins/clockify"
)

// TestRoleTableDeclaresTheRolesClockifyGives checks that the role table is
// declared as a table whose values are exactly the roles Clockify's API
// gives (OWNER cannot be given), so the host refuses a mistyped role when
// an admin saves it, and that the default table passes that check.
func TestRoleTableDeclaresTheRolesClockifyGives(t *testing.T) {
	var rows []string
	var def string
	for _, s := range clockify.Connector().Describe().GetSettings() {
		if s.GetKey() == clockify.SettingRoleTable {
			r := s.GetRows()
			if r == nil || r.GetName() != "Role table" || r.GetKeyNoun() != "AD group" || r.GetValueNoun() != "role Clockify gives" {
				t.Fatalf("roleTable is declared as %v; want a table named in the admin's words", s)
			}
			rows, def = r.GetValues(), s.GetDefaultValue()
		}
	}
	want := []string{clockify.RoleWorkspaceAdmin, clockify.RoleTeamManager, clockify.RoleProjectManager}
	if !slices.Equal(rows, want) {
		t.Fatalf("roleTable values = %v; want %v", rows, want)
	}
	for _, row := range strings.Split(def, ";") {
		group, role, ok := strings.Cut(row, "->")
		if !ok || strings.TrimSpace(group) == "" || !slices.Contains(rows, strings.TrimSpace(role)) {
			t.Errorf("default row %q is not a group and a declared role", row)
		}
	}
}
