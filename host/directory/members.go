package directory

import (
	"context"
	"errors"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// nestedMembersStep names the walk down in errors.
const nestedMembersStep = "nested members of "

// GroupsNamed returns the DNs of the groups an admin's table entry names:
// a full DN (checked to be a group), or a CN alone, which names every
// group of that CN under the base. No group is an empty list, not an
// error, so a table may name groups that do not exist yet.
func (c *Client) GroupsNamed(ctx context.Context, entry string) ([]string, error) {
	entry = strings.TrimSpace(entry)
	q := Query{Filter: And(c.groupFilter(), Equal("cn", entry)), Attributes: []string{"1.1"}}
	if dn, err := ldap.ParseDN(entry); err == nil && len(dn.RDNs) > 1 {
		q = Query{Base: entry, Scope: ScopeBase, Filter: c.groupFilter(), Attributes: []string{"1.1"}}
	}
	var out []string
	err := c.Search(ctx, q, func(e Entry) error {
		out = append(out, e.DN)
		return nil
	})
	if err != nil && q.Scope == ScopeBase && errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return out, err
}

// NestedMembers returns the DNs of the users in the group dn, directly or
// through groups nested in it, under the client's base. It answers "who
// holds what this group gives" for a whole directory in a few searches,
// where NestedGroups answers "what does this user hold" one user at a
// time. On Active Directory the server answers in one search
// (memberOf with LDAP_MATCHING_RULE_IN_CHAIN); elsewhere the client lists
// the base's groups once and walks down from dn, reading each nested
// group's members, at most 16 levels and 10,000 groups deep (then
// ErrNestingTooDeep). Cycles are followed once. See decision 0262.
func (c *Client) NestedMembers(ctx context.Context, dn string) ([]string, error) {
	if c.flavor == FlavorAD {
		var out []string
		err := c.Search(ctx, Query{
			Filter:     And(c.userFilter(), "(memberOf:"+inChainRule+":="+ldap.EscapeFilter(dn)+")"),
			Attributes: []string{"1.1"},
		}, func(e Entry) error {
			out = append(out, e.DN)
			return nil
		})
		return out, err
	}
	groups := map[string]bool{}
	err := c.Search(ctx, Query{Filter: c.groupFilter(), Attributes: []string{"1.1"}}, func(e Entry) error {
		groups[strings.ToLower(e.DN)] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{strings.ToLower(dn): true}
	users := map[string]bool{}
	var out []string
	level := []string{dn}
	for depth := 0; len(level) > 0; depth++ {
		if depth >= MaxNestingDepth {
			return out, newError(nestedMembersStep+dn, ErrRejected, "flatten the nesting", ErrNestingTooDeep)
		}
		var next []string
		for _, g := range level {
			members, err := c.directMembers(ctx, g)
			if err != nil {
				return out, err
			}
			for _, m := range members {
				key := strings.ToLower(m)
				switch {
				case groups[key] && !seen[key]:
					seen[key] = true
					next = append(next, m)
					if len(seen) > MaxNestedGroups {
						return out, newError(nestedMembersStep+dn, ErrRejected, "flatten the nesting", ErrNestingTooDeep)
					}
				case !groups[key] && !users[key]:
					users[key] = true
					out = append(out, m)
				}
			}
		}
		level = next
	}
	return out, nil
}

// directMembers reads a group's member attribute whole, following ranges.
func (c *Client) directMembers(ctx context.Context, dn string) ([]string, error) {
	var members []string
	err := c.Search(ctx, Query{Base: dn, Scope: ScopeBase, Filter: c.groupFilter(), Attributes: []string{rangeAttribute("member", 0, c.rangeStep)}},
		func(e Entry) error {
			if err := c.completeRanged(ctx, &e, "member"); err != nil {
				return err
			}
			members = e.Values("member")
			return nil
		})
	return members, err
}
