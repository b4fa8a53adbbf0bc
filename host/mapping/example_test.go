package mapping_test

import (
	"context"
	"fmt"

	"github.com/idbridge/idbridge/host/mapping"
)

// How the sync engine drives a dry run: validate at save, then stream AD
// users and app records into a planner and read the plan.
func Example() {
	def := mapping.DataSource{
		Name:      "Clockify users",
		Category:  mapping.CategoryUpdateUsers,
		Endpoints: []mapping.EndpointRef{{Alias: "users", IntegrationID: "clockify", EndpointID: "list-users", PrimaryKey: "id"}},
		Mappings:  []mapping.Mapping{{Format: "%upper(record.settings.timeZone)%", Attribute: "physicalDeliveryOfficeName"}},
		Match:     mapping.MatchRule{Field: mapping.FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
	}
	sample := map[string]any{"id": "u1", "email": "Ann@example.com", "settings": map[string]any{"timeZone": "Europe/Oslo"}}
	schema := mapping.Schema{
		Fields:     map[string][]string{"users": mapping.FieldPaths(mapping.Flatten(sample))},
		Attributes: []string{"mail", "physicalDeliveryOfficeName"},
	}
	if err := mapping.Validate(def, schema); err != nil {
		panic(err)
	}

	p, err := mapping.NewPlanner(def)
	if err != nil {
		panic(err)
	}
	fmt.Println("read from AD:", p.Attributes())
	p.AddUser(mapping.ADUser{ID: "g1", DN: "CN=Ann,OU=Staff,DC=example,DC=com", Enabled: true,
		Attributes: map[string][]string{"mail": {"ann@example.com"}}})
	if err := p.AddRecords("users", []map[string]any{sample, {"id": "u2", "email": "gone@example.com"}}); err != nil {
		panic(err)
	}
	plan, err := p.Plan(context.Background())
	if err != nil {
		panic(err)
	}
	for _, u := range plan.Updates {
		fmt.Println("update:", u.DN, u.Changes[0].Attribute, "→", u.Changes[0].New)
	}
	for _, o := range plan.Orphans {
		fmt.Println("orphan:", o.Key, "-", o.Reason)
	}
	// Output:
	// read from AD: [mail physicalDeliveryOfficeName]
	// update: CN=Ann,OU=Staff,DC=example,DC=com physicalDeliveryOfficeName → EUROPE/OSLO
	// orphan: u2 - no AD user has mail=gone@example.com
}
