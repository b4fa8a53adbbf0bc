package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Seed is the whole state of a sandbox in the JSON form read by LoadSeed and
// written by Snapshot. Users are stored per workspace because everything a
// connector sees about a user (membership status, rates, roles, custom
// fields) is per workspace; a person in two workspaces appears in both with
// the same id.
type Seed struct {
	// Workspaces holds every workspace with its members, groups and custom
	// field definitions.
	Workspaces []Workspace `json:"workspaces"`
	// APIKeys maps credentials to users; a key carries its user's rights in
	// each workspace, as personal Clockify keys do.
	APIKeys []APIKey `json:"apiKeys"`
}

// Workspace is one Clockify workspace in a seed.
type Workspace struct {
	// ID is the workspace's 24-hex id, used in every path below /workspaces.
	ID string `json:"id"`
	// Name is shown in workspace answers and role entity names.
	Name string `json:"name"`
	// Currency is the default currency code used for rates (default USD).
	Currency string `json:"currency,omitempty"`
	// Plan is reported as featureSubscriptionType (default BUNDLE_YEAR_2024).
	Plan string `json:"plan,omitempty"`
	// Users are the workspace members, in any order; lists are sorted on
	// output as the query asks.
	Users []User `json:"users"`
	// Groups are the user groups, listed by name unless sorted otherwise.
	Groups []Group `json:"groups"`
	// CustomFields define the user custom fields values may be set for.
	CustomFields []CustomField `json:"customFields,omitempty"`
	// Projects are the workspace's projects, the entities of
	// PROJECT_MANAGER roles.
	Projects []Project `json:"projects,omitempty"`
}

// Project is a Clockify project in a seed. The sandbox keeps only what
// roles and lookups by name need.
type Project struct {
	// ID is the project's 24-hex id, the entityId of a PROJECT_MANAGER role.
	ID string `json:"id"`
	// Name is unique in the workspace, 2 to 250 characters.
	Name     string `json:"name"`
	Archived bool   `json:"archived,omitempty"`
}

// User is one member of a workspace: the account fields Clockify reports for
// the person plus their membership in this workspace.
type User struct {
	// ID is the person's 24-hex id, the same in every workspace.
	ID string `json:"id"`
	// Email is unique per workspace, compared without case.
	Email string `json:"email"`
	// Name may be empty for an invited person who has not finished
	// onboarding; it is then sent as null, as Clockify does.
	Name string `json:"name,omitempty"`
	// Status is the account status (ACTIVE, PENDING_EMAIL_VERIFICATION,
	// NOT_REGISTERED, LIMITED, DELETED, LIMITED_DELETED); default ACTIVE.
	Status string `json:"status,omitempty"`
	// MembershipStatus is the workspace membership status (ACTIVE, PENDING,
	// INACTIVE, DECLINED); default ACTIVE. Deactivation changes only this.
	MembershipStatus string `json:"membershipStatus,omitempty"`
	// HourlyRate and CostRate are the membership's rates; nil is sent as
	// null, as Clockify does for members without one.
	HourlyRate *Rate `json:"hourlyRate,omitempty"`
	CostRate   *Rate `json:"costRate,omitempty"`
	// Roles are the manager roles held in this workspace.
	Roles []Role `json:"roles,omitempty"`
	// CustomFields are the user's custom field values in this workspace.
	CustomFields []CustomFieldValue `json:"customFields,omitempty"`
	// TimeZone feeds the user's settings (default Etc/UTC).
	TimeZone string `json:"timeZone,omitempty"`
}

// Rate is an amount in the currency's minor unit, as Clockify sends rates.
type Rate struct {
	// Amount is in cents (or the currency's minor unit).
	Amount int `json:"amount"`
	// Currency is an ISO code such as USD.
	Currency string `json:"currency"`
}

// Role is a manager role held by a user in a workspace. OWNER and
// WORKSPACE_ADMIN make a key an admin key for that workspace.
type Role struct {
	// Role is OWNER, WORKSPACE_ADMIN, TEAM_MANAGER or PROJECT_MANAGER.
	Role string `json:"role"`
	// EntityID is what the role applies to: the workspace for
	// WORKSPACE_ADMIN/OWNER, a user or group for TEAM_MANAGER, a project for
	// PROJECT_MANAGER.
	EntityID string `json:"entityId"`
	// SourceType is USER_GROUP when EntityID names a user group, else empty.
	SourceType string `json:"sourceType,omitempty"`
}

// Group is a user group with its members' ids.
type Group struct {
	// ID is the group's 24-hex id.
	ID string `json:"id"`
	// Name is unique in the workspace (case-sensitive), at most 100 characters.
	Name string `json:"name"`
	// UserIDs are the members, in the order they were added.
	UserIDs []string `json:"userIds"`
}

// CustomField is the definition of a user custom field in a workspace.
type CustomField struct {
	// ID is the field's 24-hex id, used in the value path.
	ID string `json:"id"`
	// Name is reported with every value as customFieldName.
	Name string `json:"name"`
	// Type is TXT, NUMBER, DROPDOWN_SINGLE, DROPDOWN_MULTIPLE, CHECKBOX or LINK.
	Type string `json:"type"`
	// AllowedValues lists the choices of dropdown fields.
	AllowedValues []string `json:"allowedValues,omitempty"`
	// Required is reported in the field list; the sandbox does not enforce it.
	Required bool `json:"required,omitempty"`
}

// CustomFieldValue is a user's value for one custom field.
type CustomFieldValue struct {
	// CustomFieldID names the field definition.
	CustomFieldID string `json:"customFieldId"`
	// Value is any JSON value; TXT fields hold strings.
	Value any `json:"value"`
}

// APIKey is a credential the sandbox accepts. ID is what Requests reports,
// so tests can tell callers apart without the secret appearing in records.
type APIKey struct {
	// ID names the key in request records and logs.
	ID string `json:"id"`
	// Key is the secret sent in X-Api-Key (or X-Addon-Token).
	Key string `json:"key"`
	// UserID is the user whose rights the key carries.
	UserID string `json:"userId"`
	// Addon marks a token accepted in X-Addon-Token instead of X-Api-Key.
	Addon bool `json:"addon,omitempty"`
}

// ErrInvalidSeed is wrapped by every seed validation failure, so callers can
// tell a broken seed file from an I/O problem.
var ErrInvalidSeed = errors.New("invalid sandbox seed")

// LoadSeed reads a seed from a JSON file in the Seed format.
func LoadSeed(path string) (*Seed, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sandbox seed: %w", err)
	}
	var s Seed
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %s: %v (see the Seed type for the format)", ErrInvalidSeed, path, err)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// Validate checks what the server relies on: well-formed unique ids, unique
// e-mails per workspace, groups and keys that point at existing users.
func (s *Seed) Validate() error {
	if len(s.Workspaces) == 0 {
		return fmt.Errorf("%w: no workspaces; add at least one", ErrInvalidSeed)
	}
	users := map[string]bool{}
	for wi, ws := range s.Workspaces {
		if !isID(ws.ID) {
			return fmt.Errorf("%w: workspace %d: id %q is not 24 hex characters", ErrInvalidSeed, wi, ws.ID)
		}
		emails := map[string]bool{}
		ids := map[string]bool{}
		for _, u := range ws.Users {
			if !isID(u.ID) {
				return fmt.Errorf("%w: workspace %s: user id %q is not 24 hex characters", ErrInvalidSeed, ws.ID, u.ID)
			}
			e := strings.ToLower(u.Email)
			if e == "" || emails[e] || ids[u.ID] {
				return fmt.Errorf("%w: workspace %s: user %s has an empty or duplicate e-mail or id", ErrInvalidSeed, ws.ID, u.ID)
			}
			emails[e], ids[u.ID], users[u.ID] = true, true, true
		}
		for _, g := range ws.Groups {
			if !isID(g.ID) || g.Name == "" {
				return fmt.Errorf("%w: workspace %s: group %q needs a 24-hex id and a name", ErrInvalidSeed, ws.ID, g.ID)
			}
			for _, m := range g.UserIDs {
				if !ids[m] {
					return fmt.Errorf("%w: workspace %s: group %s lists user %s who is not a member", ErrInvalidSeed, ws.ID, g.ID, m)
				}
			}
		}
		for _, p := range ws.Projects {
			if !isID(p.ID) || p.Name == "" {
				return fmt.Errorf("%w: workspace %s: project %q needs a 24-hex id and a name", ErrInvalidSeed, ws.ID, p.ID)
			}
		}
		for _, f := range ws.CustomFields {
			if !isID(f.ID) {
				return fmt.Errorf("%w: workspace %s: custom field id %q is not 24 hex characters", ErrInvalidSeed, ws.ID, f.ID)
			}
		}
	}
	seen := map[string]bool{}
	for _, k := range s.APIKeys {
		if k.Key == "" || seen[k.Key] {
			return fmt.Errorf("%w: api key %q is empty or listed twice", ErrInvalidSeed, k.ID)
		}
		seen[k.Key] = true
		if !users[k.UserID] {
			return fmt.Errorf("%w: api key %q belongs to user %s who is in no workspace", ErrInvalidSeed, k.ID, k.UserID)
		}
	}
	return nil
}
