package automation

import (
	"context"
	"errors"
	"fmt"
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
	return strings.TrimSpace(s.OU) == "" && strings.TrimSpace(s.Group) == "" && strings.TrimSpace(s.Filter) == ""
}

// ldapFilter is the group and filter parts as one escaped filter; "" when
// neither is set. The scope must have been validated.
func (s Scope) ldapFilter() string {
	var parts []string
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
func (s Scope) query() directory.UserQuery {
	q := directory.UserQuery{Base: s.OU, Scope: directory.ScopeSubtree, Filter: s.ldapFilter()}
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
	f := s.ldapFilter()
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
	if err := read(ctx, s.query(), fn); err != nil {
		return fmt.Errorf("list the users in scope: %w", err)
	}
	return nil
}
