package mapping

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func testSchema() Schema {
	return Schema{
		Fields: map[string][]string{
			"users":    {"id", "email", "name", "status", "memberships[].membershipStatus", "profile.firstName", "profile.lastName"},
			"profiles": {"userId", "title", "department", "employeeNumber"},
		},
		Attributes: []string{"mail", "givenName", "sn", "title", "department", "employeeID", "displayName", "objectGUID", "memberOf", "sAMAccountName"},
	}
}

func validDef() DataSource {
	return DataSource{
		Name:     "Clockify users",
		Category: CategoryCreateUsers,
		Endpoints: []EndpointRef{
			{Alias: "users", IntegrationID: "clockify", EndpointID: "list-users", PrimaryKey: "id"},
			{Alias: "profiles", IntegrationID: "clockify", EndpointID: "profiles", Custom: true, PrimaryKey: "userId"},
		},
		Mappings: []Mapping{
			{Field: FieldRef{Path: "title"}, Attribute: "title"},
			{Field: FieldRef{Endpoint: "profiles", Path: "department"}, Attribute: "department"},
			{Format: "%lower(record.email)%", Attribute: "mail"},
			{Format: `%concat(users.profile.firstName, " ", record.profile.lastName)%`, Attribute: "displayName"},
		},
		Match: MatchRule{Field: FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
		Options: Options{
			ChangeLimit: 100,
			Create: CreateOptions{Allowed: true, OU: "OU=Staff,DC=example,DC=com", Name: "%record.name%",
				Attributes: []Mapping{{Format: `%split(record.email, "@", 0)%`, Attribute: "sAMAccountName"}}},
			Active: &ActiveRule{Field: FieldRef{Path: "memberships[].membershipStatus"}, Values: []string{"ACTIVE"}},
		},
	}
}

func TestValidateAcceptsGoodDefinition(t *testing.T) {
	if err := Validate(validDef(), testSchema()); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRefuses(t *testing.T) {
	cases := []struct {
		name       string
		edit       func(d *DataSource, s *Schema)
		kind       error
		where      string
		contains   string
		suggestion string
	}{
		{"unknown field", func(d *DataSource, _ *Schema) { d.Mappings[0].Field.Path = "titel" },
			ErrUnknownField, "mappings[0].field", `no endpoint of this data source has a field "titel"`, "title"},
		{"unknown field in named endpoint", func(d *DataSource, _ *Schema) { d.Mappings[1].Field.Path = "title2" },
			ErrUnknownField, "mappings[1].field", `endpoint "profiles" has no field "title2"`, "title"},
		{"field in unknown endpoint", func(d *DataSource, _ *Schema) { d.Mappings[1].Field.Endpoint = "profile" },
			ErrUnknownField, "mappings[1].field", `endpoint "profile" is not part`, "profiles"},
		{"unknown LDAP attribute", func(d *DataSource, _ *Schema) { d.Mappings[0].Attribute = "titel" },
			ErrUnknownAttribute, "mappings[0].attribute", `the directory has no attribute "titel"`, "title"},
		{"read-only attribute", func(d *DataSource, _ *Schema) { d.Mappings[0].Attribute = "memberOf" },
			ErrInvalid, "mappings[0].attribute", "group membership action", ""},
		{"attribute mapped twice", func(d *DataSource, _ *Schema) { d.Mappings[1].Attribute = "Title" },
			ErrInvalid, "mappings[1].attribute", "already written by mapping 1 of the list (the mapping to 'title')", ""},
		{"primary key missing from an endpoint", func(_ *DataSource, s *Schema) { s.Fields["profiles"] = []string{"userid", "title", "department"} },
			ErrMissingKey, "endpoints[1].primaryKey", `primary key "userId" is not a field of endpoint "profiles"`, "userid"},
		{"primary key in a list", func(d *DataSource, _ *Schema) { d.Endpoints[0].PrimaryKey = "memberships[].membershipStatus" },
			ErrMissingKey, "endpoints[0].primaryKey", "inside a list", ""},
		{"no primary key", func(d *DataSource, _ *Schema) { d.Endpoints[0].PrimaryKey = "" },
			ErrMissingKey, "endpoints[0].primaryKey", "choose the field", ""},
		{"endpoint fields unknown", func(_ *DataSource, s *Schema) { delete(s.Fields, "profiles") },
			ErrUnknownField, "endpoints[1]", "run test and save", ""},
		{"bad format function", func(d *DataSource, _ *Schema) { d.Mappings[2].Format = "%lowr(record.email)%" },
			ErrBadFormat, "mappings[2].format", "did you mean lower(...)?", ""},
		{"format with unknown field", func(d *DataSource, _ *Schema) { d.Mappings[2].Format = "%lower(record.emial)%" },
			ErrBadFormat, "mappings[2].format", "did you mean %record.email%?", ""},
		{"format with now", func(d *DataSource, _ *Schema) { d.Mappings[2].Format = `%date(now, "yyyy")%` },
			ErrBadFormat, "mappings[2].format", "same on every run", ""},
		{"format syntax", func(d *DataSource, _ *Schema) { d.Mappings[2].Format = "%lower(record.email%" },
			ErrBadFormat, "mappings[2].format", "expected , or )", ""},
		{"field and format", func(d *DataSource, _ *Schema) { d.Mappings[2].Field = FieldRef{Path: "email"} },
			ErrInvalid, "mappings[2]", "not both", ""},
		{"neither field nor format", func(d *DataSource, _ *Schema) { d.Mappings[0].Field = FieldRef{} },
			ErrInvalid, "mappings[0]", "choose an app field", ""},
		{"bad path", func(d *DataSource, _ *Schema) { d.Mappings[0].Field.Path = "a..b" },
			ErrBadPath, "mappings[0].field", "a[].b", ""},
		{"unknown match attribute", func(d *DataSource, _ *Schema) { d.Match.Attribute = "employeeId2" },
			ErrUnknownAttribute, "match.attribute", "", "employeeID"},
		{"unknown match field", func(d *DataSource, _ *Schema) { d.Match.Field.Path = "mail" },
			ErrUnknownField, "match.field", "", "email"},
		{"create in wrong category", func(d *DataSource, _ *Schema) { d.Category = CategoryUpdateUsers },
			ErrInvalid, "options.create.allowed", "create users", ""},
		{"create without OU", func(d *DataSource, _ *Schema) { d.Options.Create.OU = "Staff" },
			ErrInvalid, "options.create.ou", "not the DN of an OU", ""},
		{"create without name", func(d *DataSource, _ *Schema) { d.Options.Create.Name = "" },
			ErrInvalid, "options.create.name", "format of the new user's name", ""},
		{"create attribute unknown", func(d *DataSource, _ *Schema) { d.Options.Create.Attributes[0].Attribute = "samaccount" },
			ErrUnknownAttribute, "options.create.attributes[0].attribute", "", "sAMAccountName"},
		{"active without values", func(d *DataSource, _ *Schema) { d.Options.Active.Values = nil },
			ErrInvalid, "options.active.values", "ACTIVE", ""},
		{"active unknown field", func(d *DataSource, _ *Schema) { d.Options.Active.Field.Path = "memberships.membershipStatus" },
			ErrUnknownField, "options.active.field", "", "memberships[].membershipStatus"},
		{"negative limit", func(d *DataSource, _ *Schema) { d.Options.ChangeLimit = -1 },
			ErrInvalid, "options.changeLimit", "0 for no limit", ""},
		{"no name", func(d *DataSource, _ *Schema) { d.Name = " " }, ErrInvalid, "name", "needs a name", ""},
		{"bad category", func(d *DataSource, _ *Schema) { d.Category = "sync" }, ErrInvalid, "category", "unknown category", ""},
		{"no endpoints", func(d *DataSource, _ *Schema) { d.Endpoints = nil }, ErrInvalid, "endpoints", "at least one", ""},
		{"reserved alias", func(d *DataSource, s *Schema) { d.Endpoints[1].Alias = "ad"; s.Fields["ad"] = s.Fields["profiles"] },
			ErrInvalid, "endpoints[1].alias", "reserved", ""},
		{"duplicate alias", func(d *DataSource, _ *Schema) { d.Endpoints[1].Alias = "users" },
			ErrInvalid, "endpoints[1].alias", "used twice", ""},
		{"bad alias", func(d *DataSource, _ *Schema) { d.Endpoints[1].Alias = "1x" },
			ErrInvalid, "endpoints[1].alias", "start with a letter", ""},
		{"no endpoint id", func(d *DataSource, _ *Schema) { d.Endpoints[1].EndpointID = "" },
			ErrInvalid, "endpoints[1]", "choose the integration", ""},
		{"no mappings", func(d *DataSource, _ *Schema) { d.Mappings = nil },
			ErrInvalid, "mappings", "at least one", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, s := validDef(), testSchema()
			c.edit(&d, &s)
			err := Validate(d, s)
			if !errors.Is(err, ErrInvalid) || !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want %v", err, c.kind)
			}
			var ve *ValidationError
			errors.As(err, &ve)
			for _, p := range ve.Problems {
				if p.Where == c.where && errors.Is(p, c.kind) && strings.Contains(p.Msg, c.contains) && p.Suggestion == c.suggestion {
					return
				}
			}
			t.Fatalf("no problem at %s containing %q with suggestion %q in:\n%v", c.where, c.contains, c.suggestion, err)
		})
	}
}

func TestValidateAttributeNamesIgnoreCase(t *testing.T) {
	d := validDef()
	d.Mappings[0].Attribute = "TITLE"
	d.Match.Attribute = "Mail"
	d.Mappings[2].Attribute = "userPrincipalName"
	s := testSchema()
	s.Attributes = append(s.Attributes, "userprincipalname")
	if err := Validate(d, s); err != nil {
		t.Fatal(err)
	}
}

func TestValidateAsksTheDirectorySchema(t *testing.T) {
	d := validDef()
	d.Mappings[0].Attribute = "extensionAttribute1"
	s := testSchema()
	s.HasAttribute = func(name string) bool { return strings.EqualFold(name, "extensionattribute1") }
	if err := Validate(d, s); err != nil {
		t.Fatal(err)
	}
	d.Mappings[0].Attribute = "extensionAttribute2"
	if err := Validate(d, s); !errors.Is(err, ErrUnknownAttribute) {
		t.Fatalf("err = %v", err)
	}
}

func TestValidateOrphansReportNeedsNoMappings(t *testing.T) {
	d := validDef()
	d.Category = CategoryOrphansReport
	d.Mappings = nil
	d.Options.Create = CreateOptions{}
	if err := Validate(d, testSchema()); err != nil {
		t.Fatal(err)
	}
}

func TestValidationErrorText(t *testing.T) {
	d := validDef()
	d.Mappings[0].Attribute = "titel"
	err := Validate(d, testSchema())
	if got := err.Error(); !strings.Contains(got, `data source "Clockify users" is not valid:`) ||
		!strings.Contains(got, `LDAP attribute of the mapping to 'titel': the directory has no attribute "titel" — did you mean title?`) ||
		strings.Contains(got, "mappings[") {
		t.Fatalf("message = %q, want the mapping named by its attribute, never by its index", got)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].Where != "mappings[0].attribute" {
		t.Fatalf("problems = %+v, want the machine path kept in Where", ve)
	}
}

// TestValidationErrorNamesPlaces pins the words each place of a data
// source is named by in messages: the mapping by what it writes or reads,
// the endpoint by its alias, a custom format's problem with its line and
// column under the mapping's name.
func TestValidationErrorNamesPlaces(t *testing.T) {
	d := validDef()
	d.Mappings[2].Format = "%lower(record.emial)%"
	d.Mappings[0].Attribute = ""
	d.Endpoints[1].PrimaryKey = ""
	err := Validate(d, testSchema())
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	want := map[string]string{
		"mappings[2].format":      "Custom format of the mapping to '" + d.Mappings[2].Attribute + "', line 1, column 8: ",
		"mappings[0].attribute":   "LDAP attribute of the mapping from '" + d.Mappings[0].Field.Path + "': choose an LDAP attribute",
		"endpoints[1].primaryKey": "Primary key of endpoint 'profiles': choose the field",
	}
	for _, p := range ve.Problems {
		if prefix, ok := want[p.Where]; ok {
			if !strings.HasPrefix(p.Error(), prefix) {
				t.Errorf("%s reads %q, want it to start %q", p.Where, p.Error(), prefix)
			}
			delete(want, p.Where)
		}
	}
	if len(want) > 0 {
		t.Errorf("no problem at %v in %v", want, err)
	}
}

// TestDefinitionJSONRoundTrip pins the stored format: a data source saved
// and loaded is the same data source.
func TestDefinitionJSONRoundTrip(t *testing.T) {
	d := validDef()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back DataSource
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, back) {
		t.Fatalf("round trip changed the definition:\n%+v\n%+v", d, back)
	}
	if strings.Contains(string(b), `"field":{"path":""}`) {
		t.Errorf("unset field references are stored: %s", b)
	}
	if !strings.Contains(string(b), `"field":{"endpoint":"profiles","path":"department"}`) {
		t.Errorf("stored form = %s", b)
	}
	if (FieldRef{Endpoint: "profiles", Path: "title"}).String() != "profiles:title" || (FieldRef{Path: "x"}).String() != "x" {
		t.Error("FieldRef.String")
	}
	if len(Categories()) != 3 {
		t.Error("Categories")
	}
}
