// Package mapping is the inbound half's pure logic: data sources (LDAP
// attribute mappings), the join of several inbound endpoints on a primary
// key, the match of app records to AD users, and the sync plan.
//
// The flow the sync engine drives:
//
//	if err := mapping.Validate(def, schema); err != nil { ... }  // at save
//	p, err := mapping.NewPlanner(def)
//	dir.Search(ctx, p.Attributes(), func(u ...) { p.AddUser(mapping.ADUser{...}) })
//	conn.Fetch(ctx, endpoint, func(batch []map[string]any) { p.AddRecords(alias, batch) })
//	plan, err := p.Plan(ctx)                                        // dry run
//
// Nothing here talks to a server: the engine streams users and records in,
// and the planner keeps only what the plan needs (the projected fields of
// each record, and per AD user its id, DN, enabled flag and the mapped
// attributes) so 100,000 × 100,000 fits in a few hundred megabytes.
//
// [Flatten] serves test-and-save: it turns sample records into the field
// paths (memberships[].membershipStatus) admins pick from and that
// [Validate] checks mappings against.
package mapping
