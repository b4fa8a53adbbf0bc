package condition

import (
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// InAnyGroupFunction is the name of the function that tells whether a list
// of group DNs holds one of the groups a table names.
const InAnyGroupFunction = "inAnyGroup"

// inAnyGroup lets a condition read a table of groups an admin keeps as
// data (an integration setting, one group per line or separated by ";")
// instead of spelling each group's DN into the expression:
//
//	inAnyGroup(object.groups, integration.workspaceAdminGroups)
//
// An entry is a group's full DN or its CN alone; both compare without
// regard to case, as LDAP compares them. See decision 0218.
func inAnyGroup() cel.EnvOption {
	return cel.Function(InAnyGroupFunction,
		cel.Overload("inAnyGroup_dyn_dyn", []*cel.Type{cel.DynType, cel.DynType}, cel.BoolType,
			cel.BinaryBinding(func(groups, table ref.Val) ref.Val {
				dns, err := stringsOf(groups)
				if err != nil {
					return types.NewErr("inAnyGroup: the first argument must be a list of group DNs, such as object.groups: %v", err)
				}
				var entries []string
				if s, ok := table.Value().(string); ok {
					entries = GroupTable(s)
				} else if entries, err = stringsOf(table); err != nil {
					return types.NewErr("inAnyGroup: the second argument must be a table of groups (text or a list): %v", err)
				}
				return types.Bool(MatchesAnyGroup(dns, entries))
			})))
}

// GroupTable splits a table of groups written as text: one entry a line
// or separated by ";", blank entries ignored. DNs hold commas, never
// semicolons, so both separators are safe.
func GroupTable(s string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }) {
		if e := strings.TrimSpace(line); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// MatchesAnyGroup reports whether one of dns is a group entries names, by
// full DN or by CN, without regard to case.
func MatchesAnyGroup(dns, entries []string) bool {
	for _, e := range entries {
		e = strings.ToLower(e)
		cn := "cn=" + e + ","
		for _, dn := range dns {
			dn = strings.ToLower(dn)
			if dn == e || strings.HasPrefix(dn, cn) {
				return true
			}
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
