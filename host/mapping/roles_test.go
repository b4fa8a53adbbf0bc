package mapping

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func rolesDef() DataSource {
	return DataSource{
		Name:      "clockify roles",
		Category:  CategoryOrphansReport,
		Endpoints: []EndpointRef{{Alias: "workers", IntegrationID: "clockify", EndpointID: "list-workers", PrimaryKey: "id"}},
		Match:     MatchRule{Field: FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
		Roles:     &RoleRule{Field: FieldRef{Path: "roles[].role"}, TableSetting: "roleTable"},
	}
}

// TestRoleDrift: an account lacking a role its groups give is to be given
// it; one holding a role the table maps that no group of the user gives
// is to lose it; a role the table does not map (OWNER) is left alone; an
// account in line is not listed; the DN comparison ignores case.
func TestRoleDrift(t *testing.T) {
	p, err := NewPlanner(rolesDef())
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.AddRecords("workers", recs(t,
		`{"id": "w1", "email": "ann@x.com", "roles": []}`,
		`{"id": "w2", "email": "ben@x.com", "roles": [{"role": "WORKSPACE_ADMIN"}, {"role": "OWNER"}]}`,
		`{"id": "w3", "email": "cat@x.com", "roles": [{"role": "team_manager"}]}`,
		`{"id": "w4", "email": "dan@x.com", "roles": [{"role": "TEAM_MANAGER"}, {"role": "PROJECT_MANAGER"}]}`,
	)))
	for _, u := range []ADUser{
		{ID: "1", DN: "CN=Ann,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "ann@x.com")},
		{ID: "2", DN: "CN=Ben,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "ben@x.com")},
		{ID: "3", DN: "CN=Cat,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "cat@x.com")},
		{ID: "4", DN: "CN=Dan,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "dan@x.com")},
	} {
		p.AddUser(u)
	}
	p.SetRoleMembers(RoleMembers{Managed: []string{"WORKSPACE_ADMIN", "TEAM_MANAGER"}, Members: map[string][]string{
		"WORKSPACE_ADMIN": {"cn=ann,ou=staff,dc=x"},
		"TEAM_MANAGER":    {"CN=Cat,OU=Staff,DC=x", "CN=Dan,OU=Staff,DC=x"},
	}})
	plan, err := p.Plan(context.Background())
	must(err)
	if plan.Summary.RoleDrift != 2 || len(plan.Roles) != 2 {
		t.Fatalf("role drift %d %+v, want Ann and Ben", plan.Summary.RoleDrift, plan.Roles)
	}
	ann, ben := plan.Roles[0], plan.Roles[1]
	if ann.MatchValue != "ann@x.com" || !reflect.DeepEqual(ann.Give, []string{"WORKSPACE_ADMIN"}) || ann.Take != nil || len(ann.Held) != 0 {
		t.Errorf("Ann: %+v", ann)
	}
	if !reflect.DeepEqual(ben.Take, []string{"WORKSPACE_ADMIN"}) || ben.Give != nil || !reflect.DeepEqual(ben.Held, []string{"OWNER", "WORKSPACE_ADMIN"}) ||
		!strings.Contains(ben.Reason, "take WORKSPACE_ADMIN") {
		t.Errorf("Ben: %+v", ben)
	}
	// Streaming hands out the same items under their category.
	var streamed []Item
	if _, err := p.PlanTo(context.Background(), func(it Item) error {
		if it.Category == ItemRoles {
			streamed = append(streamed, it)
		}
		return nil
	}); err != nil || len(streamed) != 2 || streamed[0].Roles == nil {
		t.Fatalf("streamed %+v %v", streamed, err)
	}
}

// TestRoleRuleValidation: a role rule needs a known field and one table
// whose rows each name a role; a data source comparing roles needs no
// attribute mapping.
func TestRoleRuleValidation(t *testing.T) {
	schema := Schema{Fields: map[string][]string{"workers": {"id", "email", "roles[].role"}}, Attributes: []string{"mail"}}
	def := rolesDef()
	def.Category = CategoryUpdateUsers
	if err := Validate(def, schema); err != nil {
		t.Fatalf("valid rule refused: %v", err)
	}
	cases := map[string]func(*RoleRule){
		"roles.field": func(r *RoleRule) { r.Field = FieldRef{Path: "role"} },
		"both":        func(r *RoleRule) { r.Table = "Admins -> WORKSPACE_ADMIN" },
		"no role":     func(r *RoleRule) { r.TableSetting, r.Table = "", "Admins -> WORKSPACE_ADMIN; Leads" },
		"no rows":     func(r *RoleRule) { r.TableSetting, r.Table = "", " ; " },
	}
	for name, change := range cases {
		d := rolesDef()
		r := *d.Roles
		change(&r)
		d.Roles = &r
		var ve *ValidationError
		if err := Validate(d, schema); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a validation error", name, err)
		} else if name == "no role" && !strings.Contains(err.Error(), `"Leads -> ROLE"`) {
			t.Errorf("%s: %v, want the row and how to write it", name, err)
		}
	}
}
