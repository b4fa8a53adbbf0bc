package mapping

import (
	"fmt"
	"slices"
	"strings"
)

// ItemRoles is the category of matched accounts whose roles in the app
// differ from what their AD groups give.
const ItemRoles = "roles"

// RoleDrift is a matched, enabled account whose roles in the app are not
// the ones its AD groups give: what the roles automation would change to
// bring it in line. A sync does not write roles itself (AD is their
// source, and the data source writes AD); the roles automation, applied
// to the user (by apply when the rule names it), does. See decision 0262.
type RoleDrift struct {
	Key        string `json:"key"`
	MatchValue string `json:"matchValue"`
	UserID     string `json:"userId"`
	DN         string `json:"dn"`
	// Held are the account's roles in the app, every one of them.
	Held []string `json:"held"`
	// Give are roles the user's groups give that the account lacks; Take
	// are roles the table maps that the account holds and no group of the
	// user gives.
	Give   []string `json:"give,omitempty"`
	Take   []string `json:"take,omitempty"`
	Reason string   `json:"reason"`
}

// RoleMembers is what the directory says about roles: the roles the table
// maps and, for each, the DNs of the users in a group of its rows,
// directly or through nested groups. The sync engine resolves it once per
// plan, with one search per group, not one per user.
type RoleMembers struct {
	// Managed are the roles the table has rows for; roles an account
	// holds outside them are left alone.
	Managed []string
	// Members maps a role to the DNs of the users its groups hold.
	Members map[string][]string
}

// roleState is the planner's index of RoleMembers.
type roleState struct {
	managed []string
	byDN    map[string][]string // lower-cased DN → roles, sorted
}

// SetRoleMembers gives the planner what the directory says each user's
// roles should be. Without it a data source with a role rule compares
// against no roles: call it before Plan.
func (p *Planner) SetRoleMembers(rm RoleMembers) {
	st := &roleState{byDN: map[string][]string{}}
	for _, r := range rm.Managed {
		r = strings.ToUpper(strings.TrimSpace(r))
		if r != "" && !slices.Contains(st.managed, r) {
			st.managed = append(st.managed, r)
		}
	}
	slices.Sort(st.managed)
	for role, dns := range rm.Members {
		role = strings.ToUpper(strings.TrimSpace(role))
		for _, dn := range dns {
			k := strings.ToLower(dn)
			if !slices.Contains(st.byDN[k], role) {
				st.byDN[k] = append(st.byDN[k], role)
			}
		}
	}
	for _, roles := range st.byDN {
		slices.Sort(roles)
	}
	p.userMu.Lock()
	p.roles = st
	p.userMu.Unlock()
}

// roleDrift compares the record's roles with the user's, and reports a
// difference in the roles the table maps.
func (p *Planner) roleDrift(out *emitter, e *entry, u *adUser, display string) {
	if p.def.Roles == nil {
		return
	}
	st := p.roles
	if st == nil {
		st = &roleState{}
	}
	var held []string
	for _, r := range p.fieldValues(e, p.def.Roles.Field) {
		if r = strings.ToUpper(strings.TrimSpace(r)); r != "" && !slices.Contains(held, r) {
			held = append(held, r)
		}
	}
	slices.Sort(held)
	want := st.byDN[strings.ToLower(u.dn)]
	var give, take []string
	for _, r := range want {
		if !slices.Contains(held, r) {
			give = append(give, r)
		}
	}
	for _, r := range held {
		if slices.Contains(st.managed, r) && !slices.Contains(want, r) {
			take = append(take, r)
		}
	}
	if len(give) == 0 && len(take) == 0 {
		return
	}
	var parts []string
	if len(give) > 0 {
		parts = append(parts, "give "+strings.Join(give, ", "))
	}
	if len(take) > 0 {
		parts = append(parts, "take "+strings.Join(take, ", "))
	}
	groupsSay := "no role of the table"
	if len(want) > 0 {
		groupsSay = strings.Join(want, ", ")
	}
	hasNow := "none"
	if len(held) > 0 {
		hasNow = strings.Join(held, ", ")
	}
	next := "apply it to this user; a sync does not change roles"
	if a := p.def.Roles.Automation; a != "" {
		next = "apply hands this user to automation " + a
	}
	out.roleDrift(RoleDrift{Key: e.key, MatchValue: display, UserID: u.id, DN: u.dn, Held: held, Give: give, Take: take,
		Reason: fmt.Sprintf("AD groups give %s; the account has %s: the roles automation would %s (%s)",
			groupsSay, hasNow, strings.Join(parts, " and "), next)})
}
