package condition

import (
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// Names of the functions that read tables of groups kept as data.
const (
	// InAnyGroupFunction tells whether a list of group DNs holds one of
	// the groups a table names (optionally only its rows for one value).
	InAnyGroupFunction = "inAnyGroup"
	// TableMapsFunction tells whether a table has a row for a value.
	TableMapsFunction = "tableMaps"
)

// RowArrow separates a row's group from its value in a table of rows
// ("Clockify Workspace Admins -> WORKSPACE_ADMIN"). RFC 4514 escapes ">"
// in DNs, so the arrow never occurs inside a group's DN or CN. The
// typographic arrow "→" is read the same way.
const RowArrow = "->"

// GroupRow is one row of a table of groups: a group (CN or full DN) and,
// for a table that maps groups to something, the value it maps to.
type GroupRow struct {
	Group string
	// Value is empty in a plain list of groups.
	Value string
}

// inAnyGroup lets a condition read a table of groups an admin keeps as
// data (an integration setting, one row a line or separated by ";")
// instead of spelling each group's DN into the expression:
//
//	inAnyGroup(object.groups, integration.adminGroups)
//	inAnyGroup(object.groups, integration.roleTable, "WORKSPACE_ADMIN")
//
// An entry is a group's full DN or its CN alone; both compare without
// regard to case, as LDAP compares them. With a third argument only the
// rows mapping to that value count ("group -> value"), so one table holds
// every row of a mapping and an admin adds a row without touching the
// template. See decisions 0218 and 0260.
func inAnyGroup() cel.EnvOption {
	return cel.Function(InAnyGroupFunction,
		cel.Overload("inAnyGroup_dyn_dyn", []*cel.Type{cel.DynType, cel.DynType}, cel.BoolType,
			cel.BinaryBinding(func(groups, table ref.Val) ref.Val {
				return inAnyGroupOf(groups, table, nil)
			})),
		cel.Overload("inAnyGroup_dyn_dyn_string", []*cel.Type{cel.DynType, cel.DynType, cel.StringType}, cel.BoolType,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				value, _ := args[2].Value().(string)
				return inAnyGroupOf(args[0], args[1], &value)
			})))
}

func inAnyGroupOf(groups, table ref.Val, value *string) ref.Val {
	dns, err := stringsOf(groups)
	if err != nil {
		return types.NewErr("inAnyGroup: the first argument must be a list of group DNs, such as object.groups: %v", err)
	}
	rows, err := rowsOf(table)
	if err != nil {
		return types.NewErr("inAnyGroup: the second argument must be a table of groups (text or a list): %v", err)
	}
	var entries []string
	for _, r := range rows {
		if value == nil || strings.EqualFold(r.Value, *value) {
			entries = append(entries, r.Group)
		}
	}
	return types.Bool(MatchesAnyGroup(dns, entries))
}

// tableMaps tells whether a table has a row for a value, so a template
// leaves alone a role no row names rather than taking it from everyone:
//
//	tableMaps(integration.roleTable, "PROJECT_MANAGER")
func tableMaps() cel.EnvOption {
	return cel.Function(TableMapsFunction,
		cel.Overload("tableMaps_dyn_string", []*cel.Type{cel.DynType, cel.StringType}, cel.BoolType,
			cel.BinaryBinding(func(table, value ref.Val) ref.Val {
				rows, err := rowsOf(table)
				if err != nil {
					return types.NewErr("tableMaps: the first argument must be a table of groups (text or a list): %v", err)
				}
				v, _ := value.Value().(string)
				for _, r := range rows {
					if strings.EqualFold(r.Value, v) {
						return types.True
					}
				}
				return types.False
			})))
}

func rowsOf(table ref.Val) ([]GroupRow, error) {
	if s, ok := table.Value().(string); ok {
		return GroupRows(s), nil
	}
	entries, err := stringsOf(table)
	if err != nil {
		return nil, err
	}
	var rows []GroupRow
	for _, e := range entries {
		rows = append(rows, GroupRows(e)...)
	}
	return rows, nil
}

// TableLines splits a table written as text into its rows as written, one
// a line or separated by ";", blank ones dropped, spaces trimmed and "→"
// read as RowArrow: the numbering an admin sees, which the host uses to
// name a refused row (see decision 0219).
func TableLines(s string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }) {
		if line = strings.TrimSpace(strings.ReplaceAll(line, "→", RowArrow)); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// GroupRows splits a table written as text into rows, one a line or
// separated by ";", blank ones ignored. A row is a group alone, or a group,
// RowArrow and a value ("Project Leads -> PROJECT_MANAGER"); spaces around
// each part are dropped.
func GroupRows(s string) []GroupRow {
	var out []GroupRow
	for _, line := range TableLines(s) {
		group, value, _ := strings.Cut(line, RowArrow)
		if g := strings.TrimSpace(group); g != "" {
			out = append(out, GroupRow{Group: g, Value: strings.TrimSpace(value)})
		}
	}
	return out
}

// MatchesAnyGroup reports whether one of dns is a group entries names, by
// full DN or by CN, without regard to case.
func MatchesAnyGroup(dns, entries []string) bool {
	for _, e := range entries {
		if MatchesGroup(dns, e) {
			return true
		}
	}
	return false
}

// MatchesGroup reports whether one of dns is the group entry names, by
// full DN or by CN, without regard to case.
func MatchesGroup(dns []string, entry string) bool {
	e := strings.ToLower(entry)
	cn := "cn=" + e + ","
	for _, dn := range dns {
		dn = strings.ToLower(dn)
		if dn == e || strings.HasPrefix(dn, cn) {
			return true
		}
	}
	return false
}

func stringsOf(v ref.Val) ([]string, error) {
	switch x := v.Value().(type) {
	case []string:
		return x, nil
	case string:
		return []string{x}, nil
	}
	l, ok := v.(traits.Lister)
	if !ok {
		return nil, errNotList(v.Type().TypeName())
	}
	var out []string
	for it := l.Iterator(); it.HasNext() == types.True; {
		s, ok := it.Next().Value().(string)
		if !ok {
			return nil, errNotList("list with non-text values")
		}
		out = append(out, s)
	}
	return out, nil
}

type errNotList string

func (e errNotList) Error() string { return "got " + string(e) }
