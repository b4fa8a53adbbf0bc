package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/idbridge/idbridge/host/directory"
)

// inChainRule is Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: it
// follows nested group membership on the server.
const inChainRule = "1.2.840.113556.1.4.1941"

// memberFilter matches members of group, nested ones too when nested. The
// DN is escaped, so a DN holding filter syntax cannot change the query.
func memberFilter(group string, nested bool) string {
	if nested {
		return "(memberOf:" + inChainRule + ":=" + ldap.EscapeFilter(group) + ")"
	}
	return directory.Equal("memberOf", group)
}

// normalizeFilter parses an admin's filter and writes it back from the
// parse tree: what is composed into a search is then exactly one
// well-formed filter, whatever was typed around it.
func normalizeFilter(f string) (string, error) {
	f = strings.TrimSpace(f)
	if f == "" {
		return "", nil
	}
	if !strings.HasPrefix(f, "(") {
		f = "(" + f + ")"
	}
	p, err := ldap.CompileFilter(f)
	if err != nil {
		return "", fmt.Errorf("%w (%s)", ErrBadFilter, directory.Reason(err))
	}
	out, err := ldap.DecompileFilter(p)
	if err != nil {
		return "", fmt.Errorf("%w (%s)", ErrBadFilter, directory.Reason(err))
	}
	return out, nil
}

// isEmpty reports whether no part of the scope is set.
func (s Scope) isEmpty() bool {
	return strings.TrimSpace(s.OU) == "" && strings.TrimSpace(s.Group) == "" && strings.TrimSpace(s.Filter) == "" && len(s.Users) == 0
}

// sameUsers reports whether s and o select the same users: the same parts
// and the same named users in the same order (names shown are not part of
// it).
func (s Scope) sameUsers(o Scope) bool {
	if s.OU != o.OU || s.Subtree != o.Subtree || s.Group != o.Group || s.Nested != o.Nested || s.Filter != o.Filter {
		return false
	}
	return slices.EqualFunc(s.Users, o.Users, func(a, b ScopeUser) bool { return a.ID == b.ID })
}

// usersFilter matches the scope's named users by their stable ids; ""
// when none are named. An id that cannot be written as a filter (which
// validation refuses) matches nothing rather than being dropped, which
// would widen the scope. See decision 0273.
func (s Scope) usersFilter(flavor directory.Flavor) string {
	if len(s.Users) == 0 {
		return ""
	}
	terms := make([]string, 0, len(s.Users))
	for _, u := range s.Users {
		f, err := directory.IDFilter(flavor, u.ID)
		if err != nil {
			f = directory.Not("(objectClass=*)")
		}
		terms = append(terms, f)
	}
	return directory.Or(terms...)
}

// ldapFilter is the group, filter and users parts as one escaped filter;
// "" when none is set. The scope must have been validated.
func (s Scope) ldapFilter(flavor directory.Flavor) string {
	var parts []string
	if f := s.usersFilter(flavor); f != "" {
		parts = append(parts, f)
	}
	if s.Group != "" {
		parts = append(parts, memberFilter(s.Group, s.Nested))
	}
	if f, err := normalizeFilter(s.Filter); err == nil && f != "" {
		parts = append(parts, f)
	}
	if len(parts) == 0 {
		return ""
	}
	return directory.And(parts...)
}

// holdsDN reports whether dn is in the OU part of the scope.
func (s Scope) holdsDN(dn string) bool {
	if s.OU == "" {
		return true
	}
	d, err1 := ldap.ParseDN(dn)
	ou, err2 := ldap.ParseDN(s.OU)
	if err1 != nil || err2 != nil {
		return false
	}
	if s.Subtree {
		return ou.AncestorOfFold(d)
	}
	return len(d.RDNs) == len(ou.RDNs)+1 && ou.AncestorOfFold(d)
}

// query is the directory search that lists the scope's users.
func (s Scope) query(flavor directory.Flavor) directory.UserQuery {
	q := directory.UserQuery{Base: s.OU, Scope: directory.ScopeSubtree, Filter: s.ldapFilter(flavor)}
	if s.OU != "" && !s.Subtree {
		q.Scope = directory.ScopeOneLevel
	}
	return q
}

// contains reports whether the user at dn is in scope now. The OU part is
// decided from the DN; the group and filter parts by reading that one
// entry with the scope's filter, so the server applies the same rules as
// for a listing (in-chain membership included). A user no longer at dn is
// not in scope.
func (s Scope) contains(ctx context.Context, dir Directory, dn string) (bool, error) {
	if dn == "" || !s.holdsDN(dn) {
		return false, nil
	}
	f := s.ldapFilter(dir.Flavor())
	if f == "" {
		return true, nil
	}
	found := false
	err := dir.Users(ctx, directory.UserQuery{Base: dn, Scope: directory.ScopeBase, Filter: f}, func(directory.User) error {
		found = true
		return nil
	})
	if errors.Is(err, directory.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check whether %s is in scope: %w", dn, err)
	}
	return found, nil
}

// userScanner is a Directory that reads many users faster than Users
// (*directory.Client decodes entries straight from the wire): learning the
// scope of an automation over a whole directory reads every user in it.
// See decision 0264.
type userScanner interface {
	ScanUsers(ctx context.Context, q directory.UserQuery, fn func(directory.User) error) error
}

// members streams the users in scope.
func (s Scope) members(ctx context.Context, dir Directory, fn func(directory.User) error) error {
	read := dir.Users
	if sc, ok := dir.(userScanner); ok {
		read = sc.ScanUsers
	}
	if err := read(ctx, s.query(dir.Flavor()), fn); err != nil {
		return fmt.Errorf("list the users in scope: %w", err)
	}
	return nil
}
