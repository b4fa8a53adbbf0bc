package directory

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// attrName matches an attribute description: a name (with options such as
// ";binary") or a numeric OID. Anything else could smuggle filter syntax.
var attrName = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+)(;[A-Za-z0-9-]+)*$`)

// ValidAttributeName reports whether name can be used as an attribute in a
// filter or a modification.
func ValidAttributeName(name string) bool { return attrName.MatchString(name) }

func checkAttr(op, name string) error {
	if !ValidAttributeName(name) {
		return newError(op, ErrUnknownAttribute, "use a plain attribute name such as mail or employeeID",
			fmt.Errorf("%q is not an attribute name", name))
	}
	return nil
}

// Equal builds (attr=value) with value escaped, so data can never change
// the filter's meaning. attr must be a valid attribute name.
func Equal(attr, value string) string {
	return "(" + attr + "=" + ldap.EscapeFilter(value) + ")"
}

// And joins filters with &; one filter is returned as is.
func And(filters ...string) string { return join("&", filters) }

// Or joins filters with |; one filter is returned as is.
func Or(filters ...string) string { return join("|", filters) }

// Not negates a filter.
func Not(filter string) string { return "(!" + filter + ")" }

func join(op string, filters []string) string {
	var fs []string
	for _, f := range filters {
		if f != "" {
			fs = append(fs, f)
		}
	}
	switch len(fs) {
	case 0:
		return "(objectClass=*)"
	case 1:
		return fs[0]
	}
	return "(" + op + strings.Join(fs, "") + ")"
}

// escapeBytes renders raw bytes as a filter value (\xx for every byte), as
// AD wants for objectGUID.
func escapeBytes(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, "\\%02x", c)
	}
	return sb.String()
}

// IDFilter matches the entry whose stable id is id: objectGUID on AD,
// written as the escaped bytes AD compares (its string form matches
// nothing there), else entryUUID. Filters that name users by id, and so
// survive renames and moves, are built here.
func IDFilter(flavor Flavor, id string) (string, error) {
	if flavor != FlavorAD {
		return Equal("entryUUID", id), nil
	}
	raw, err := ParseGUID(id)
	if err != nil {
		return "", err
	}
	return "(objectGUID=" + escapeBytes(raw) + ")", nil
}
