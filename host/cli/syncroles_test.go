package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/mapping"
)

// TestPlanPrintsRoleDrift: a plan that compares roles counts its role
// drift and names each account by e-mail and DN with the roles to give
// and take; a plan without a role rule prints no role line.
func TestPlanPrintsRoleDrift(t *testing.T) {
	plan := &mapping.Plan{Summary: mapping.Summary{RoleDrift: 2}, Roles: []mapping.RoleDrift{
		{Key: "w1", MatchValue: "ann@example.com", DN: "CN=Ann,DC=x", Give: []string{"WORKSPACE_ADMIN"}},
		{Key: "w2", MatchValue: "ben@example.com", DN: "CN=Ben,DC=x", Held: []string{"OWNER", "TEAM_MANAGER"}, Take: []string{"TEAM_MANAGER"}},
	}}
	var out bytes.Buffer
	if err := printPlan(&out, plan); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  role drift       2  (app roles unlike what the AD groups give)",
		"Role drift:\n  ann@example.com  CN=Ann,DC=x: give WORKSPACE_ADMIN (has none)\n",
		"  ben@example.com  CN=Ben,DC=x: take TEAM_MANAGER (has OWNER, TEAM_MANAGER)\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := printPlan(&out, &mapping.Plan{}); err != nil || strings.Contains(out.String(), "role") {
		t.Errorf("a plan without roles: %v\n%s", err, out.String())
	}
}
