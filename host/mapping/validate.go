package mapping

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/macro/condition"
)

// Schema is what exists at save time: the fields each endpoint declares or
// test-and-save discovered (flattened paths, by endpoint alias), and the
// attributes of the directory schema.
type Schema struct {
	Fields map[string][]string
	// Attributes lists attribute names; they are checked against and
	// offered as suggestions.
	Attributes []string
	// HasAttribute, when set, decides for names not in Attributes; plug in
	// the directory client's AttributeExists so any schema attribute counts
	// while Attributes stays a short list for suggestions.
	HasAttribute func(name string) bool
}

func (s Schema) hasAttribute(name string) bool {
	return containsFold(s.Attributes, name) || (s.HasAttribute != nil && s.HasAttribute(name))
}

// readOnly are attributes a mapping must not write: the directory computes
// them, or other actions own them (group membership, enable/disable, moves).
var readOnly = map[string]string{
	"objectguid":         "it is assigned by the directory",
	"objectsid":          "it is assigned by the directory",
	"distinguishedname":  "moves change it; use an automation's move action",
	"usnchanged":         "it is maintained by the directory",
	"usncreated":         "it is maintained by the directory",
	"whenchanged":        "it is maintained by the directory",
	"whencreated":        "it is maintained by the directory",
	"memberof":           "group membership is changed on the group; use a group membership action",
	"useraccountcontrol": "use the enable and disable actions",
	"entryuuid":          "it is assigned by the directory",
}

var aliasRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)

var reservedAliases = map[string]bool{
	macro.NamespaceRecord: true, macro.NamespaceAD: true, macro.NamespaceIntegration: true,
	macro.NamespaceSteps: true, macro.NamespaceObject: true, "now": true,
}

// Validate checks a data source against the schema: every field, LDAP
// attribute and custom format must exist and check, each endpoint's fields
// must include its primary key, and the options must make sense for the
// category. It returns a *ValidationError listing every problem.
func Validate(def DataSource, schema Schema) error {
	v := validator{def: def, schema: schema}
	v.run()
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{DataSource: def.Name, Problems: v.problems}
}

type validator struct {
	def      DataSource
	schema   Schema
	problems []Problem
}

func (v *validator) add(kind error, where, msg, suggestion string) {
	v.problems = append(v.problems, Problem{Kind: kind, Where: where, Label: v.label(where), Msg: msg, Suggestion: suggestion})
}

func (v *validator) run() {
	d := v.def
	if strings.TrimSpace(d.Name) == "" {
		v.add(ErrInvalid, "name", "a data source needs a name", "")
	}
	switch d.Category {
	case CategoryUpdateUsers, CategoryCreateUsers, CategoryOrphansReport:
	default:
		v.add(ErrInvalid, "category", fmt.Sprintf("unknown category %q; use %q, %q or %q", d.Category, CategoryUpdateUsers, CategoryCreateUsers, CategoryOrphansReport), "")
	}
	v.endpoints()
	scope := RecordScope(d, v.schema)
	for i, m := range d.Mappings {
		v.mapping(fmt.Sprintf("mappings[%d]", i), m, scope)
	}
	v.duplicateTargets()
	v.match(scope)
	v.options(scope)
	v.roles()
	if len(d.Mappings) == 0 && d.Category != CategoryOrphansReport && d.Roles == nil {
		v.add(ErrInvalid, "mappings", "map at least one app field to an LDAP attribute, compare roles, or choose the orphans report category", "")
	}
}

// roles checks the role rule: a field of the app and one table.
func (v *validator) roles() {
	r := v.def.Roles
	if r == nil {
		return
	}
	if r.Field.IsZero() {
		v.add(ErrInvalid, "roles.field", "choose the app field that lists an account's roles, e.g. roles[].role", "")
	} else {
		v.field("roles.field", r.Field)
	}
	switch {
	case r.Table != "" && r.TableSetting != "":
		v.add(ErrInvalid, "roles.table", "write the rows here or name the integration setting that holds them, not both", "")
	case r.TableSetting != "":
	case len(condition.GroupRows(r.Table)) == 0:
		v.add(ErrInvalid, "roles.table", `write rows "AD group -> role" separated by ";", or name the integration setting that holds them (e.g. roleTable)`, "")
	default:
		for _, row := range condition.GroupRows(r.Table) {
			if row.Value == "" {
				v.add(ErrInvalid, "roles.table", fmt.Sprintf("the row %q names no role; write it as %q", row.Group, row.Group+" "+condition.RowArrow+" ROLE"), "")
			}
		}
	}
}

func (v *validator) endpoints() {
	if len(v.def.Endpoints) == 0 {
		v.add(ErrInvalid, "endpoints", "choose at least one inbound endpoint", "")
		return
	}
	seen := map[string]bool{}
	for i, e := range v.def.Endpoints {
		where := fmt.Sprintf("endpoints[%d]", i)
		switch {
		case !aliasRE.MatchString(e.Alias):
			v.add(ErrInvalid, where+".alias", fmt.Sprintf("alias %q must start with a letter and hold only letters, digits and _", e.Alias), "")
		case reservedAliases[e.Alias]:
			v.add(ErrInvalid, where+".alias", fmt.Sprintf("alias %q is reserved for macros; choose another", e.Alias), "")
		case seen[e.Alias]:
			v.add(ErrInvalid, where+".alias", fmt.Sprintf("alias %q is used twice", e.Alias), "")
		}
		seen[e.Alias] = true
		if e.IntegrationID == "" || e.EndpointID == "" {
			v.add(ErrInvalid, where, "choose the integration and the endpoint", "")
		}
		if e.PrimaryKey == "" {
			v.add(ErrMissingKey, where+".primaryKey", "choose the field that identifies a record (the same value in every endpoint)", "")
			continue
		}
		if _, err := parsePath(e.PrimaryKey); err != nil {
			v.add(ErrBadPath, where+".primaryKey", err.Error(), "")
			continue
		}
		fields, known := v.schema.Fields[e.Alias]
		if !known {
			v.add(ErrUnknownField, where, fmt.Sprintf("the fields of endpoint %q are not known; run test and save on it first", e.Alias), "")
			continue
		}
		if !contains(fields, e.PrimaryKey) {
			v.add(ErrMissingKey, where+".primaryKey", fmt.Sprintf("primary key %q is not a field of endpoint %q", e.PrimaryKey, e.Alias), closestOf(e.PrimaryKey, fields))
		} else if strings.Contains(e.PrimaryKey, "[]") {
			v.add(ErrMissingKey, where+".primaryKey", fmt.Sprintf("primary key %q is inside a list; a key must hold one value per record", e.PrimaryKey), "")
		}
	}
}

func (v *validator) field(where string, f FieldRef) {
	if _, err := parsePath(f.Path); err != nil {
		v.add(ErrBadPath, where, err.Error(), "")
		return
	}
	if f.Endpoint != "" {
		fields, ok := v.schema.Fields[f.Endpoint]
		if !v.hasAlias(f.Endpoint) {
			v.add(ErrUnknownField, where, fmt.Sprintf("endpoint %q is not part of this data source", f.Endpoint), closestOf(f.Endpoint, v.aliases()))
			return
		}
		if ok && !contains(fields, f.Path) {
			v.add(ErrUnknownField, where, fmt.Sprintf("endpoint %q has no field %q", f.Endpoint, f.Path), closestOf(f.Path, fields))
		}
		return
	}
	var all []string
	for _, e := range v.def.Endpoints {
		fields := v.schema.Fields[e.Alias]
		if contains(fields, f.Path) {
			return
		}
		all = append(all, fields...)
	}
	v.add(ErrUnknownField, where, fmt.Sprintf("no endpoint of this data source has a field %q", f.Path), closestOf(f.Path, all))
}

func (v *validator) format(where, src string, scope macro.Scope) {
	if _, err := macro.Check(src, scope); err != nil {
		// One problem per macro error, so each keeps its line and column
		// under the field's label.
		var list macro.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				v.add(ErrBadFormat, where, e.Error(), "")
			}
			return
		}
		v.add(ErrBadFormat, where, err.Error(), "")
	}
}

func (v *validator) source(where string, f FieldRef, format string, scope macro.Scope) {
	switch {
	case f.IsZero() && format == "":
		v.add(ErrInvalid, where, "choose an app field or write a custom format", "")
	case !f.IsZero() && format != "":
		v.add(ErrInvalid, where, "choose either an app field or a custom format, not both", "")
	case format != "":
		v.format(where+".format", format, scope)
	default:
		v.field(where+".field", f)
	}
}

func (v *validator) attribute(where, attr string, writable bool) {
	if attr == "" {
		v.add(ErrUnknownAttribute, where, "choose an LDAP attribute", "")
		return
	}
	if !v.schema.hasAttribute(attr) {
		v.add(ErrUnknownAttribute, where, fmt.Sprintf("the directory has no attribute %q", attr), closestOf(attr, v.schema.Attributes))
		return
	}
	if why, ro := readOnly[strings.ToLower(attr)]; writable && ro {
		v.add(ErrInvalid, where, fmt.Sprintf("%s cannot be written by a mapping: %s", attr, why), "")
	}
}

func (v *validator) mapping(where string, m Mapping, scope macro.Scope) {
	v.source(where, m.Field, m.Format, scope)
	v.attribute(where+".attribute", m.Attribute, true)
}

func (v *validator) duplicateTargets() {
	seen := map[string]int{}
	for i, m := range v.def.Mappings {
		k := strings.ToLower(m.Attribute)
		if k == "" {
			continue
		}
		if j, dup := seen[k]; dup {
			v.add(ErrInvalid, fmt.Sprintf("mappings[%d].attribute", i), fmt.Sprintf("%s is already written by mapping %d of the list (%s); one attribute takes one mapping", m.Attribute, j+1, mappingName(j, v.def.Mappings[j], "mapping")), "")
			continue
		}
		seen[k] = i
	}
}

func (v *validator) match(scope macro.Scope) {
	v.source("match", v.def.Match.Field, v.def.Match.Format, scope)
	v.attribute("match.attribute", v.def.Match.Attribute, false)
}

func (v *validator) options(scope macro.Scope) {
	o := v.def.Options
	if o.ChangeLimit < 0 {
		v.add(ErrInvalid, "options.changeLimit", "the change limit cannot be negative; use 0 for no limit", "")
	}
	if o.Create.Allowed {
		if v.def.Category != CategoryCreateUsers {
			v.add(ErrInvalid, "options.create.allowed", fmt.Sprintf("creating users needs the %q category", CategoryCreateUsers), "")
		}
		if !strings.Contains(o.Create.OU, "=") {
			v.add(ErrInvalid, "options.create.ou", fmt.Sprintf("%q is not the DN of an OU, e.g. OU=Staff,DC=example,DC=com", o.Create.OU), "")
		}
		if o.Create.Name == "" {
			v.add(ErrInvalid, "options.create.name", "write the format of the new user's name, e.g. %record.firstName% %record.lastName%", "")
		} else {
			v.format("options.create.name", o.Create.Name, scope)
		}
		for i, m := range o.Create.Attributes {
			v.mapping(fmt.Sprintf("options.create.attributes[%d]", i), m, scope)
		}
	}
	if a := o.Active; a != nil {
		v.field("options.active.field", a.Field)
		if len(a.Values) == 0 {
			v.add(ErrInvalid, "options.active.values", "list the values that mean active, e.g. ACTIVE", "")
		}
	}
}

func (v *validator) hasAlias(a string) bool { return contains(v.aliases(), a) }

func (v *validator) aliases() []string {
	out := make([]string, len(v.def.Endpoints))
	for i, e := range v.def.Endpoints {
		out[i] = e.Alias
	}
	return out
}

// RecordScope is the macro scope of a data source's custom formats: record
// (fields of any endpoint) and one namespace per endpoint alias. now is
// refused: a format must give the same value on every run, or every run
// would plan an update.
func RecordScope(def DataSource, schema Schema) macro.Scope {
	var all []string
	seen := map[string]bool{}
	var ns []macro.Namespace
	for _, e := range def.Endpoints {
		fields := schema.Fields[e.Alias]
		for _, f := range fields {
			if !seen[f] {
				seen[f] = true
				all = append(all, f)
			}
		}
		if aliasRE.MatchString(e.Alias) && !reservedAliases[e.Alias] {
			n := macro.Record(fields...)
			n.Name = e.Alias
			n.Description = "Fields of endpoint " + e.Alias
			ns = append(ns, n)
		}
	}
	scope := macro.NewScope(append([]macro.Namespace{macro.Record(all...)}, ns...)...)
	scope.NoNow = true
	return scope
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// closestOf uses the macro package's typo finder so every suggestion in
// the product guesses the same way.
func closestOf(word string, candidates []string) string {
	return macro.Suggest(word, candidates)
}
