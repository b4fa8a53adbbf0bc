package mapping

import (
	"fmt"
	"regexp"
	"strconv"
)

// fixedLabels name the single fields of a data source in the words of
// the console's form.
var fixedLabels = map[string]string{
	"name":                   "name",
	"category":               "category",
	"endpoints":              "inbound endpoints",
	"mappings":               "mappings",
	"match":                  "match rule",
	"match.field":            "app field of the match rule",
	"match.format":           "custom format of the match rule",
	"match.attribute":        "LDAP attribute of the match rule",
	"options.changeLimit":    "change limit",
	"options.create.allowed": "creating users",
	"options.create.ou":      "OU for new users",
	"options.create.name":    "name format for new users",
	"options.active.field":   "field that says a record is active",
	"options.active.values":  "values that mean active",
	"roles.field":            "app field that lists roles",
	"roles.table":            "role table",
}

// listPath splits "mappings[2].format" into its list, index and rest.
var listPath = regexp.MustCompile(`^(mappings|options\.create\.attributes|endpoints)\[(\d+)\](?:\.(\w+))?$`)

// partLabels name the parts of one mapping or endpoint.
var partLabels = map[string]string{
	"field":      "app field",
	"format":     "custom format",
	"attribute":  "LDAP attribute",
	"alias":      "alias",
	"primaryKey": "primary key",
}

// label turns a path into the definition ("mappings[0].attribute") into
// the admin's words ("LDAP attribute of the mapping to 'mail'"): a
// mapping is named by what it writes or reads, an endpoint by its alias,
// never by a list index. See decision 0229.
func (v *validator) label(where string) string {
	if l, ok := fixedLabels[where]; ok {
		return l
	}
	m := listPath.FindStringSubmatch(where)
	if m == nil {
		return where
	}
	i, _ := strconv.Atoi(m[2])
	var whole string
	switch m[1] {
	case "mappings":
		if i < len(v.def.Mappings) {
			whole = mappingName(i, v.def.Mappings[i], "mapping")
		}
	case "options.create.attributes":
		if i < len(v.def.Options.Create.Attributes) {
			whole = mappingName(i, v.def.Options.Create.Attributes[i], "new-user mapping")
		}
	case "endpoints":
		if i < len(v.def.Endpoints) {
			whole = endpointName(i, v.def.Endpoints[i])
		}
	}
	if whole == "" {
		return where
	}
	if m[3] == "" {
		return whole
	}
	part, ok := partLabels[m[3]]
	if !ok {
		part = m[3]
	}
	return part + " of " + whole
}

// mappingName names a mapping by the attribute it writes, else by the
// field or format it reads, else by its place in the list counted from 1.
func mappingName(i int, m Mapping, kind string) string {
	switch {
	case m.Attribute != "":
		return fmt.Sprintf("the %s to '%s'", kind, m.Attribute)
	case m.Field.Path != "":
		return fmt.Sprintf("the %s from '%s'", kind, m.Field.Path)
	case m.Format != "":
		return fmt.Sprintf("the %s from '%s'", kind, m.Format)
	}
	return fmt.Sprintf("%s %d", kind, i+1)
}

// endpointName names an endpoint by its alias, else by its place.
func endpointName(i int, e EndpointRef) string {
	if e.Alias != "" {
		return fmt.Sprintf("endpoint '%s'", e.Alias)
	}
	return fmt.Sprintf("endpoint %d", i+1)
}
