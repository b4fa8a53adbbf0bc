package mapping

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkPlanRoles100k plans role drift for 100,000 accounts of one
// endpoint (List Workers' shape: e-mail and a roles list) against 100,000
// AD users, 1,000 of them in a workspace admin group and 5,000 in a team
// manager group (as the sync hands them over after one search per group).
// Every 100th account holds an admin role its groups do not give; every
// 200th admin lacks the role. It reports the time of the plan alone and
// with the role comparison switched off, so the difference is the
// comparison's cost.
func BenchmarkPlanRoles100k(b *testing.B) {
	const n = 100_000
	def := DataSource{
		Name: "roles", Category: CategoryOrphansReport,
		Endpoints: []EndpointRef{{Alias: "workers", PrimaryKey: "id"}},
		Match:     MatchRule{Field: FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
		Roles:     &RoleRule{Field: FieldRef{Path: "roles[].role"}, TableSetting: "roleTable"},
	}
	dn := func(i int) string { return fmt.Sprintf("CN=User Number %d,OU=Staff,DC=example,DC=com", i) }
	build := func(withRoles bool) *Planner {
		d := def
		if !withRoles {
			d.Roles = nil
		}
		p, err := NewPlanner(d)
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < n; start += 500 {
			batch := make([]map[string]any, 0, 500)
			for i := start; i < start+500; i++ {
				var roles []any
				if (i < 1000 && i%200 != 0) || i%100 == 50 {
					roles = append(roles, map[string]any{"role": "WORKSPACE_ADMIN"})
				}
				if i >= 1000 && i < 6000 {
					roles = append(roles, map[string]any{"role": "TEAM_MANAGER"})
				}
				batch = append(batch, map[string]any{"id": fmt.Sprintf("5f%022x", i), "email": fmt.Sprintf("user.%d@example.com", i), "roles": roles})
			}
			must(b, p.AddRecords("workers", batch))
		}
		admins, managers := make([]string, 0, 1000), make([]string, 0, 5000)
		for i := range n {
			p.AddUser(ADUser{ID: fmt.Sprintf("u%d", i), DN: dn(i), Enabled: true, Attributes: map[string][]string{"mail": {fmt.Sprintf("user.%d@example.com", i)}}})
			switch {
			case i < 1000:
				admins = append(admins, dn(i))
			case i < 6000:
				managers = append(managers, dn(i))
			}
		}
		if withRoles {
			p.SetRoleMembers(RoleMembers{Managed: []string{"WORKSPACE_ADMIN", "TEAM_MANAGER"},
				Members: map[string][]string{"WORKSPACE_ADMIN": admins, "TEAM_MANAGER": managers}})
		}
		return p
	}
	with, without := build(true), build(false)
	var withMS, withoutMS float64
	for b.Loop() {
		t0 := time.Now()
		plan, err := with.PlanTo(context.Background(), func(Item) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := without.PlanTo(context.Background(), func(Item) error { return nil }); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		// 990 admin roles held outside the admins' group (i%100 == 50
		// from 1,050 on) and 5 admins lacking the role (0, 200, ... 800).
		if want := (n-1000)/100 + 5; plan.Summary.RoleDrift != want {
			b.Fatalf("role drift %d, want %d", plan.Summary.RoleDrift, want)
		}
		withMS, withoutMS = float64(t1.Sub(t0).Milliseconds()), float64(t2.Sub(t1).Milliseconds())
	}
	b.ReportMetric(withMS, "plan-with-roles-ms")
	b.ReportMetric(withoutMS, "plan-without-roles-ms")
}
