package mapping

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func planDef() DataSource {
	return DataSource{
		Name:     "people",
		Category: CategoryCreateUsers,
		Endpoints: []EndpointRef{
			{Alias: "users", PrimaryKey: "id"},
			{Alias: "profiles", PrimaryKey: "userId"},
		},
		Mappings: []Mapping{
			{Field: FieldRef{Path: "title"}, Attribute: "title"},
			{Field: FieldRef{Endpoint: "profiles", Path: "department"}, Attribute: "department"},
			{Format: "%record.name%", Attribute: "displayName"},
			{Field: FieldRef{Endpoint: "profiles", Path: "employeeNumber"}, Attribute: "employeeID", ClearWhenMissing: true},
		},
		Match: MatchRule{Field: FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
		Options: Options{
			Create: CreateOptions{Allowed: true, OU: "OU=New,DC=x", Name: "%record.name%",
				Attributes: []Mapping{{Format: `%lower(split(record.email, "@", 0))%`, Attribute: "sAMAccountName"}}},
			Active: &ActiveRule{Field: FieldRef{Path: "memberships[].membershipStatus"}, Values: []string{"active"}, CaseInsensitive: true},
		},
	}
}

var planUsers = []string{
	`{"id": "u1", "email": "ALICE@x.com", "name": "Alice A", "title": "Engineer", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u2", "email": "bob@x.com", "name": "Bob B", "title": "New", "memberships": [{"membershipStatus": "INACTIVE"}, {"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u3", "email": "carol@x.com", "name": "Carol C", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u4", "email": "Dave@x.com", "name": "Dave, D", "title": "Intern", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u5", "name": "No Mail", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u6", "email": "eve@x.com", "name": "Eve", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u7", "email": "frank@x.com", "name": "Frank", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u8", "email": "FRANK@x.com", "name": "Frank 2", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
	`{"id": "u9", "email": "gina@x.com", "name": "Gina", "memberships": [{"membershipStatus": "INACTIVE"}]}`,
	`{"id": "u10", "email": "nameless@x.com", "memberships": [{"membershipStatus": "ACTIVE"}]}`,
}

var planProfiles = []string{
	`{"userId": "u1", "department": "R&D", "employeeNumber": 1}`,
	`{"userId": "u2", "department": "Sales"}`,
	`{"userId": "u4", "department": "Ops", "employeeNumber": 4}`,
}

func attrs(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = append(m[kv[i]], kv[i+1])
	}
	return m
}

var planADUsers = []ADUser{
	{ID: "g1", DN: "CN=Alice,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "alice@x.com", "title", "Engineer", "department", "R&D", "displayName", "Alice A", "employeeID", "1", "sn", "A")},
	{ID: "g2", DN: "CN=Bob,OU=Staff,DC=x", Enabled: true, Attributes: attrs("Mail", "Bob@X.com", "title", "Old", "department", "Sales", "displayName", "Bob B", "employeeID", "2")},
	{ID: "g3", DN: "CN=Carol,OU=Staff,DC=x", Enabled: false, Attributes: attrs("mail", "carol@x.com")},
	{ID: "g5", DN: "CN=Eve1,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "eve@x.com")},
	{ID: "g6", DN: "CN=Eve2,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "EVE@x.com")},
	{ID: "g7", DN: "CN=Frank,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "frank@x.com")},
	{ID: "g8", DN: "CN=NoMail,OU=Staff,DC=x", Enabled: true, Attributes: attrs("title", "x")},
}

func buildPlan(t testing.TB, def DataSource, reverse bool) *Plan {
	t.Helper()
	p, err := NewPlanner(def)
	if err != nil {
		t.Fatal(err)
	}
	users, profiles, ad := recs(t, planUsers...), recs(t, planProfiles...), append([]ADUser(nil), planADUsers...)
	if reverse {
		for i, j := 0, len(users)-1; i < j; i, j = i+1, j-1 {
			users[i], users[j] = users[j], users[i]
		}
		for i, j := 0, len(ad)-1; i < j; i, j = i+1, j-1 {
			ad[i], ad[j] = ad[j], ad[i]
		}
		must(t, p.AddRecords("profiles", profiles))
	}
	for _, u := range ad {
		p.AddUser(u)
	}
	must(t, p.AddRecords("users", users[:4]))
	must(t, p.AddRecords("users", users[4:]))
	if !reverse {
		must(t, p.AddRecords("profiles", profiles))
	}
	plan, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestPlanEveryCategory(t *testing.T) {
	plan := buildPlan(t, planDef(), false)

	// No change: case-insensitive match, numbers compared as text.
	if len(plan.NoChange) != 1 || plan.NoChange[0].DN != "CN=Alice,OU=Staff,DC=x" || plan.NoChange[0].UserID != "g1" {
		t.Errorf("noChange = %+v", plan.NoChange)
	}

	// Update: title differs; employeeID is cleared because the mapping asks
	// for it when the app has no value.
	if len(plan.Updates) != 1 {
		t.Fatalf("updates = %+v", plan.Updates)
	}
	up := plan.Updates[0]
	want := []Change{
		{Attribute: "employeeID", Old: []string{"2"}, Clear: true},
		{Attribute: "title", Old: []string{"Old"}, New: "New"},
	}
	if up.DN != "CN=Bob,OU=Staff,DC=x" || !reflect.DeepEqual(up.Changes, want) {
		t.Errorf("update = %+v", up)
	}
	if !strings.Contains(up.Reason, "mail=bob@x.com matches CN=Bob,OU=Staff,DC=x; to change: employeeID, title") {
		t.Errorf("update reason = %q", up.Reason)
	}

	// Create: DN escaped, creation attributes, and the match attribute so the
	// next run matches the new user.
	if len(plan.Creates) != 1 {
		t.Fatalf("creates = %+v", plan.Creates)
	}
	cr := plan.Creates[0]
	wantAttrs := []AttributeValue{
		{"department", "Ops"}, {"displayName", "Dave, D"}, {"employeeID", "4"},
		{"mail", "Dave@x.com"}, {"sAMAccountName", "dave"}, {"title", "Intern"},
	}
	if cr.DN != `CN=Dave\, D,OU=New,DC=x` || !reflect.DeepEqual(cr.Attributes, wantAttrs) {
		t.Errorf("create = %+v", cr)
	}

	// Orphans: disabled user (stale access), no match value, cannot create.
	kinds := map[OrphanKind]Orphan{}
	for _, o := range plan.Orphans {
		kinds[o.Kind] = o
	}
	if o := kinds[OrphanDisabled]; o.Key != "u3" || o.DN != "CN=Carol,OU=Staff,DC=x" || !strings.Contains(o.Reason, "disabled; the app account is stale access") {
		t.Errorf("disabled orphan = %+v", o)
	}
	if o := kinds[OrphanNoMatchValue]; o.Key != "u5" || !strings.Contains(o.Reason, "record.email has no value") {
		t.Errorf("no-match-value orphan = %+v", o)
	}
	if o := kinds[OrphanCannotCreate]; o.Key != "u10" || !strings.Contains(o.Reason, "%record.name% has no value for record u10") {
		t.Errorf("cannot-create orphan = %+v", o)
	}
	if len(plan.Orphans) != 3 {
		t.Errorf("orphans = %+v", plan.Orphans)
	}

	// Conflicts: two AD users share eve@x.com; two records claim Frank.
	if len(plan.Conflicts) != 2 {
		t.Fatalf("conflicts = %+v", plan.Conflicts)
	}
	shared, claimed := plan.Conflicts[1], plan.Conflicts[0]
	if shared.Kind != ConflictSharedKey || len(shared.Users) != 2 || shared.Users[0].DN != "CN=Eve1,OU=Staff,DC=x" ||
		!strings.Contains(shared.Reason, "2 AD users have mail=eve@x.com") {
		t.Errorf("shared-key conflict = %+v", shared)
	}
	if claimed.Kind != ConflictSharedUser || !reflect.DeepEqual(claimed.Keys, []string{"u7", "u8"}) ||
		!reflect.DeepEqual(claimed.MatchValues, []string{"frank@x.com", "FRANK@x.com"}) ||
		!strings.Contains(claimed.Reason, "2 app records (u7, u8) match the same AD user CN=Frank") {
		t.Errorf("shared-user conflict = %+v", claimed)
	}

	s := plan.Summary
	wantSummary := Summary{Records: 10, Inactive: 1, Users: 7, UsersWithoutKey: 1, Updates: 1, AttributeChanges: 2,
		Creates: 1, NoChange: 1, Orphans: 3, Conflicts: 2}
	if s != wantSummary {
		t.Errorf("summary = %+v\nwant      %+v", s, wantSummary)
	}
	if plan.NeedsConfirmation {
		t.Error("no change limit set, yet confirmation needed")
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	a := buildPlan(t, planDef(), false)
	b := buildPlan(t, planDef(), true)
	a.Join, b.Join = JoinReport{}, JoinReport{}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("plans differ with input order:\n%+v\n%+v", a, b)
	}
}

func TestPlanChangeLimit(t *testing.T) {
	d := planDef()
	d.Options.ChangeLimit = 1
	plan := buildPlan(t, d, false)
	if !plan.NeedsConfirmation || !strings.Contains(plan.ConfirmationReason, "changes 2 users (1 updates, 1 creates), more than the limit of 1") {
		t.Fatalf("confirmation = %v %q", plan.NeedsConfirmation, plan.ConfirmationReason)
	}
	d.Options.ChangeLimit = 2
	if plan := buildPlan(t, d, false); plan.NeedsConfirmation {
		t.Fatal("a plan at the limit must not need confirmation")
	}
}

func TestPlanWithoutCreateMakesOrphans(t *testing.T) {
	d := planDef()
	d.Category = CategoryUpdateUsers
	d.Options.Create = CreateOptions{}
	plan := buildPlan(t, d, false)
	var found bool
	for _, o := range plan.Orphans {
		if o.Key == "u4" && o.Kind == OrphanNoUser && o.Reason == "no AD user has mail=Dave@x.com" {
			found = true
		}
	}
	if !found || len(plan.Creates) != 0 {
		t.Fatalf("orphans = %+v creates = %+v", plan.Orphans, plan.Creates)
	}
}

func TestPlanOrphansReportChangesNothing(t *testing.T) {
	d := planDef()
	d.Category = CategoryOrphansReport
	d.Options.Create = CreateOptions{}
	plan := buildPlan(t, d, false)
	if len(plan.Updates) != 0 || len(plan.Creates) != 0 || plan.Summary.NoChange != 2 {
		t.Fatalf("summary = %+v", plan.Summary)
	}
	if !strings.Contains(plan.NoChange[0].Reason, "orphans report") {
		t.Errorf("reason = %q", plan.NoChange[0].Reason)
	}
}

func TestPlanMissingValueLeavesAttributeWithWarning(t *testing.T) {
	d := planDef()
	d.Mappings[3].ClearWhenMissing = false
	plan := buildPlan(t, d, false)
	up := plan.Updates[0]
	if len(up.Changes) != 1 || up.Changes[0].Attribute != "title" {
		t.Fatalf("changes = %+v", up.Changes)
	}
	if len(up.Warnings) != 1 || up.Warnings[0] != "profiles.employeeNumber has no value; employeeID is left unchanged" {
		t.Fatalf("warnings = %q", up.Warnings)
	}
	if plan.Summary.Warnings == 0 {
		t.Error("warnings not counted")
	}
}

func TestPlanRecordMatchingSeveralUsers(t *testing.T) {
	d := DataSource{
		Name: "multi", Category: CategoryUpdateUsers,
		Endpoints: []EndpointRef{{Alias: "users", PrimaryKey: "id"}},
		Mappings:  []Mapping{{Format: "%first(record.emails[])%", Attribute: "mail"}},
		Match:     MatchRule{Field: FieldRef{Path: "emails[]"}, Attribute: "proxyAddresses", CaseInsensitive: true},
	}
	p, err := NewPlanner(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Attributes(); !reflect.DeepEqual(got, []string{"proxyAddresses", "mail"}) {
		t.Errorf("Attributes = %v", got)
	}
	p.AddUser(ADUser{ID: "a", DN: "CN=A", Enabled: true, Attributes: map[string][]string{"proxyAddresses": {"a@x", "alias@x"}, "mail": {"a@x"}}})
	p.AddUser(ADUser{ID: "b", DN: "CN=B", Enabled: true, Attributes: map[string][]string{"proxyAddresses": {"b@x"}}})
	must(t, p.AddRecords("users", recs(t,
		`{"id": "1", "emails": ["a@x", "b@x"]}`,
		`{"id": "2", "emails": ["a@x", "ALIAS@x"]}`,
	)))
	plan, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Conflicts) != 1 || plan.Conflicts[0].Kind != ConflictSeveralUsers || len(plan.Conflicts[0].Users) != 2 ||
		!strings.Contains(plan.Conflicts[0].Reason, "match 2 different AD users") {
		t.Fatalf("conflicts = %+v", plan.Conflicts)
	}
	// Record 2 has two values that both lead to user a: one user, no conflict.
	if len(plan.NoChange) != 1 || plan.NoChange[0].UserID != "a" {
		t.Fatalf("noChange = %+v updates = %+v", plan.NoChange, plan.Updates)
	}
}

func TestPlanCancelled(t *testing.T) {
	p, _ := NewPlanner(planDef())
	must(t, p.AddRecords("users", recs(t, planUsers...)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Plan(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestNewPlannerRefusesBrokenDefinitions(t *testing.T) {
	for name, edit := range map[string]func(*DataSource){
		"no endpoints":   func(d *DataSource) { d.Endpoints = nil },
		"bad key path":   func(d *DataSource) { d.Endpoints[0].PrimaryKey = "a..b" },
		"bad format":     func(d *DataSource) { d.Mappings[2].Format = "%lower(" },
		"now in format":  func(d *DataSource) { d.Mappings[2].Format = `%date(now, "yyyy")%` },
		"no source":      func(d *DataSource) { d.Mappings[0].Field = FieldRef{} },
		"unknown alias":  func(d *DataSource) { d.Mappings[1].Field.Endpoint = "nope" },
		"bad name":       func(d *DataSource) { d.Options.Create.Name = "%x" },
		"bad active":     func(d *DataSource) { d.Options.Active.Field.Path = "" },
		"bad create map": func(d *DataSource) { d.Options.Create.Attributes[0].Format = "%%%" },
	} {
		d := planDef()
		edit(&d)
		if _, err := NewPlanner(d); err == nil {
			t.Errorf("%s: NewPlanner accepted a broken definition", name)
		}
	}
}

func TestEscapeRDNValue(t *testing.T) {
	cases := map[string]string{
		"Smith, John":   `Smith\, John`,
		" lead":         `\ lead`,
		"trail ":        `trail\ `,
		"#hash":         `\#hash`,
		`a+b=c;"<>\`:    `a\+b\=c\;\"\<\>\\`,
		"plain Name":    "plain Name",
		"nul\x00inside": `nul\00inside`,
	}
	for in, want := range cases {
		if got := escapeRDNValue(in); got != want {
			t.Errorf("escapeRDNValue(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSecondRunPlansNoChange applies a plan to the directory the way the
// sync engine will (updates, clears, creates) and plans again: nothing is
// left to update or create. This is the property that keeps scheduled
// syncs quiet.
func TestSecondRunPlansNoChange(t *testing.T) {
	first := buildPlan(t, planDef(), false)
	byDN := map[string]*ADUser{}
	var dir []ADUser
	for _, u := range planADUsers {
		u.Attributes = cloneAttrs(u.Attributes)
		dir = append(dir, u)
	}
	for i := range dir {
		byDN[dir[i].DN] = &dir[i]
	}
	for _, up := range first.Updates {
		u := byDN[up.DN]
		for _, c := range up.Changes {
			for name := range u.Attributes {
				if strings.EqualFold(name, c.Attribute) {
					delete(u.Attributes, name)
				}
			}
			if !c.Clear {
				u.Attributes[c.Attribute] = []string{c.New}
			}
		}
	}
	for i, c := range first.Creates {
		u := ADUser{ID: fmt.Sprintf("new-%d", i), DN: c.DN, Enabled: true, Attributes: map[string][]string{}}
		for _, a := range c.Attributes {
			u.Attributes[a.Attribute] = []string{a.Value}
		}
		dir = append(dir, u)
	}

	p, err := NewPlanner(planDef())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range dir {
		p.AddUser(u)
	}
	must(t, p.AddRecords("users", recs(t, planUsers...)))
	must(t, p.AddRecords("profiles", recs(t, planProfiles...)))
	second, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Updates) != 0 || len(second.Creates) != 0 {
		t.Fatalf("second run still plans changes: updates %+v creates %+v", second.Updates, second.Creates)
	}
	if second.Summary.NoChange != first.Summary.NoChange+first.Summary.Updates+first.Summary.Creates {
		t.Fatalf("second summary = %+v, first = %+v", second.Summary, first.Summary)
	}
	if len(second.Orphans) != len(first.Orphans) || len(second.Conflicts) != len(first.Conflicts) {
		t.Fatalf("orphans or conflicts changed: %+v", second.Summary)
	}
}

func cloneAttrs(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func TestUserSeenTwiceIsOneUser(t *testing.T) {
	p, _ := NewPlanner(planDef())
	for i := 0; i < 2; i++ {
		p.AddUser(planADUsers[0])
		p.AddUser(ADUser{DN: "CN=NoID,DC=x", Enabled: true, Attributes: attrs("mail", "noid@x.com")})
	}
	p.AddUser(ADUser{DN: "cn=noid,dc=x", Enabled: true, Attributes: attrs("mail", "noid@x.com")})
	must(t, p.AddRecords("users", recs(t, planUsers[0], `{"id": "n", "email": "noid@x.com", "name": "N", "memberships": [{"membershipStatus": "ACTIVE"}]}`)))
	plan, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if plan.Summary.Users != 2 || len(plan.Conflicts) != 0 {
		t.Fatalf("summary = %+v conflicts = %+v", plan.Summary, plan.Conflicts)
	}
}

func TestPlanFieldWithSeveralValuesWarns(t *testing.T) {
	d := DataSource{
		Name: "multi", Category: CategoryUpdateUsers,
		Endpoints: []EndpointRef{{Alias: "users", PrimaryKey: "id"}},
		Mappings:  []Mapping{{Field: FieldRef{Path: "emails[]"}, Attribute: "otherMailbox"}},
		Match:     MatchRule{Field: FieldRef{Path: "id"}, Attribute: "employeeID"},
	}
	p, _ := NewPlanner(d)
	p.AddUser(ADUser{ID: "a", DN: "CN=A", Enabled: true, Attributes: attrs("employeeID", "1")})
	must(t, p.AddRecords("users", recs(t, `{"id": "1", "emails": ["a@x", "b@x"]}`)))
	plan, _ := p.Plan(context.Background())
	if len(plan.NoChange) != 1 || len(plan.NoChange[0].Warnings) != 1 ||
		plan.NoChange[0].Warnings[0] != "record.emails[] has 2 values; use a custom format with first(...) or join(...); otherMailbox is left unchanged" {
		t.Fatalf("plan = %+v", plan.NoChange)
	}
}

// TestPlanRefusesValuesWithNUL feeds the record an attacker would make: an
// e-mail that is an outsider's address, a NUL, then an admin's. Split on
// the NUL it matched the admin and would have rewritten her attributes;
// the plan must leave the record alone as a conflict that says why, and
// match whole values only.
func TestPlanRefusesValuesWithNUL(t *testing.T) {
	def := planDef()
	def.Endpoints = def.Endpoints[:1]
	def.Mappings = []Mapping{{Field: FieldRef{Path: "title"}, Attribute: "title"}}
	def.Options.Create.Allowed = false
	def.Options.Active = nil
	p, err := NewPlanner(def)
	if err != nil {
		t.Fatal(err)
	}
	p.AddUser(ADUser{ID: "g1", DN: "CN=Grace,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "grace.admin@example.com", "title", "Admin")})
	p.AddUser(ADUser{ID: "g2", DN: "CN=Hal,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "hal@example.com", "title", "Dev")})
	must(t, p.AddRecords("users", recs(t,
		`{"id": "evil", "email": "outsider@evil.example\u0000grace.admin@example.com", "title": "Owned"}`,
		`{"id": "bell", "email": "hal@example.com", "title": "Ops\u0007"}`,
		`{"id": "ok", "email": "grace.admin@example.com", "title": "Line one\nline two"}`,
	)))
	plan, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, c := range plan.Conflicts {
		if c.Kind == ConflictBadValue {
			reasons[c.Keys[0]] = c.Reason
		}
	}
	if !strings.Contains(reasons["evil"], "users.email") || !strings.Contains(reasons["evil"], "NUL") {
		t.Errorf("the NUL record's conflict: %q; want one naming users.email and the NUL", reasons["evil"])
	}
	if !strings.Contains(reasons["bell"], "users.title") || !strings.Contains(reasons["bell"], "U+0007") {
		t.Errorf("the bell record's conflict: %q", reasons["bell"])
	}
	if len(plan.Updates) != 1 || plan.Updates[0].Key != "ok" || plan.Updates[0].DN != "CN=Grace,OU=Staff,DC=x" {
		t.Fatalf("updates = %+v; want only the record with Grace's whole address, with its line break", plan.Updates)
	}
}
