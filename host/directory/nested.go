package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// inChainRule is Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: a filter
// (member:1.2.840.113556.1.4.1941:=X) matches every group X is in,
// directly or through nested groups, evaluated by the server.
const inChainRule = "1.2.840.113556.1.4.1941"

// Bounds of the nested-group walk on directories without in-chain
// matching: deep enough for any sane nesting, small enough that a cycle
// or a runaway hierarchy cannot keep the host busy. Exported so every
// walk of the group graph (the watcher's too) stops at the same bounds.
const (
	// MaxNestingDepth is how many levels of groups in groups a walk follows.
	MaxNestingDepth = 16
	// MaxNestedGroups is how many groups one walk may reach.
	MaxNestedGroups = 10000
)

// nestedGroupsStep names the walk up in errors.
const nestedGroupsStep = "nested groups of "

// ErrNestingTooDeep is returned when a user's groups nest deeper or wider
// than the walk follows.
var ErrNestingTooDeep = errors.New("group nesting is deeper than 16 levels or wider than 10,000 groups: flatten the nesting, or scope by a group nearer the users")

// NestedGroups returns the DNs of every group dn belongs to, directly or
// through groups nested in groups. On Active Directory the server answers
// in one search (LDAP_MATCHING_RULE_IN_CHAIN); elsewhere the client walks
// up from the direct groups, level by level, following member links, and
// stops at ErrNestingTooDeep. Cycles are followed once. See decision 0214.
func (c *Client) NestedGroups(ctx context.Context, dn string) ([]string, error) {
	if c.flavor == FlavorAD {
		var out []string
		err := c.Search(ctx, Query{
			Filter:     And(c.groupFilter(), "(member:"+inChainRule+":="+ldap.EscapeFilter(dn)+")"),
			Attributes: []string{"1.1"},
		}, func(e Entry) error {
			out = append(out, e.DN)
			return nil
		})
		return out, err
	}
	seen := map[string]bool{}
	var out []string
	level := []string{dn}
	for depth := 0; len(level) > 0; depth++ {
		if depth >= MaxNestingDepth {
			return out, newError(nestedGroupsStep+dn, ErrRejected, "flatten the nesting", ErrNestingTooDeep)
		}
		var next []string
		for _, member := range level {
			err := c.Search(ctx, Query{Filter: And(c.groupFilter(), Equal("member", member)), Attributes: []string{"1.1"}},
				func(e Entry) error {
					key := strings.ToLower(e.DN)
					if seen[key] {
						return nil
					}
					seen[key] = true
					out = append(out, e.DN)
					next = append(next, e.DN)
					if len(out) > MaxNestedGroups {
						return newError(nestedGroupsStep+dn, ErrRejected, "flatten the nesting", ErrNestingTooDeep)
					}
					return nil
				})
			if err != nil {
				return out, err
			}
		}
		level = next
	}
	return out, nil
}

// completeRanged replaces a ranged attribute in e (AD hands out more
// values than MaxValRange, 1500 by default, in parts: "memberOf;range=0-1499")
// by all its values under the plain name, reading the remaining parts.
func (c *Client) completeRanged(ctx context.Context, e *Entry, attr string) error {
	vals, next, more, err := rangedPart(*e, attr)
	if err != nil {
		return newError("read "+attr+" of "+e.DN, ErrRejected, "report the directory's answer; it is not a range this client can follow", err)
	}
	ranged := false
	prefix := strings.ToLower(attr) + ";range="
	for name := range e.Attributes {
		if strings.HasPrefix(strings.ToLower(name), prefix) {
			delete(e.Attributes, name)
			ranged = true
		}
	}
	if !ranged {
		return nil
	}
	if more {
		if vals, err = c.restOfRange(ctx, e.DN, attr, next, vals); err != nil {
			return fmt.Errorf("read the groups of %s: %w", e.DN, err)
		}
	}
	e.Attributes[attr] = vals
	return nil
}
