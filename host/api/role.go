package api

import (
	"fmt"
	"strings"
)

// Role is what a token may do. Roles are ordered: an admin can do all an
// operator can, and an operator all an auditor can, so a route only names
// the lowest role it accepts.
type Role int

// The roles, lowest first. RoleNone is the zero value and is never granted.
const (
	// RoleNone grants nothing; a route with MinRole RoleNone is refused at
	// registration so that a forgotten MinRole cannot open a route.
	RoleNone Role = iota
	// RoleAuditor reads configuration, runs and the audit log.
	RoleAuditor
	// RoleOperator also runs things: tests, syncs, automations.
	RoleOperator
	// RoleAdmin also changes configuration, installs extensions and manages
	// tokens.
	RoleAdmin
)

var roleNames = map[Role]string{RoleAuditor: "auditor", RoleOperator: "operator", RoleAdmin: "admin"}

// String returns the role's name as used in tokens and in the API.
func (r Role) String() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return "none"
}

// Allows reports whether a principal holding r may call a route that
// requires min.
func (r Role) Allows(min Role) bool { return r >= min && min > RoleNone }

// ParseRole reads a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	for r, n := range roleNames {
		if strings.EqualFold(s, n) {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("unknown role %q: use admin, operator or auditor", s)
}

// MarshalText encodes the role by name, so documents and JSON stay readable.
func (r Role) MarshalText() ([]byte, error) {
	if _, ok := roleNames[r]; !ok {
		return nil, fmt.Errorf("role %d has no name", int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText decodes a role name.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
