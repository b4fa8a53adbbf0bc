package automation

import (
	"time"

	"github.com/idbridge/idbridge/host/watch"
)

// Kinds an automation can trigger on besides the watcher's: they describe
// a user crossing the edge of the automation's own scope, which only this
// package can see because scope is per automation.
const (
	// ScopeEntered is a user who is in scope now and was not before:
	// created in scope, moved into the OU, added to the group, or changed
	// so that the filter matches. Onboarding triggers on it.
	ScopeEntered watch.Kind = "scope.entered"
	// ScopeLeft is a user who was in scope and is not any more: moved out,
	// removed from the group, changed so the filter fails, or deleted.
	// Offboarding triggers on it.
	ScopeLeft watch.Kind = "scope.left"
)

// TriggerKinds lists every kind an event trigger may name.
var TriggerKinds = append(append([]watch.Kind(nil), watch.Kinds...), ScopeEntered, ScopeLeft)

// Automation is what an admin saves: when, for whom, and what runs.
type Automation struct {
	// ID is chosen by the service from the name at creation; stable.
	ID string `json:"id"`
	// Name is shown in lists and run records.
	Name string `json:"name"`
	// Description says what the automation is for.
	Description string `json:"description,omitempty"`
	// Enabled automations trigger; a disabled one keeps its configuration.
	Enabled bool `json:"enabled"`
	// Trigger says when it runs.
	Trigger Trigger `json:"trigger"`
	// Scope says for whom.
	Scope Scope `json:"scope"`
	// Action says what runs.
	Action Action `json:"action"`
	// Options tune the runs.
	Options Options `json:"options"`
	// Integrations are the integrations the template uses, filled in at
	// save from the template catalog; while one is disabled the
	// automation is paused.
	Integrations []string `json:"integrations,omitempty"`
	// Created and Updated are set by the service.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// TriggerType names the three ways an automation starts.
type TriggerType string

// The trigger types.
const (
	// TriggerEvent runs on AD changes of the listed kinds in scope.
	TriggerEvent TriggerType = "event"
	// TriggerSchedule runs on a cron schedule for every object in scope.
	TriggerSchedule TriggerType = "schedule"
	// TriggerManual runs only when an admin applies it now.
	TriggerManual TriggerType = "manual"
)

// Trigger says when an automation runs. Every automation can also be
// applied now, whatever its type.
type Trigger struct {
	// Type is event, schedule or manual.
	Type TriggerType `json:"type"`
	// Events are the kinds an event trigger reacts to, e.g. user.created
	// and scope.entered for onboarding.
	Events []watch.Kind `json:"events,omitempty"`
	// Schedule is a cron expression for a schedule trigger: five fields
	// (minute hour day-of-month month day-of-week) or a descriptor such as
	// @daily or @every 1h.
	Schedule string `json:"schedule,omitempty"`
}

// Scope selects the users an automation applies to. Every part that is set
// narrows it; at least one must be set, so that "everyone" is a decision
// (an OU of the domain root) rather than an omission.
type Scope struct {
	// OU is the base DN of the users; empty means anywhere under the
	// directory's base.
	OU string `json:"ou,omitempty"`
	// Subtree includes the OU's sub-OUs; otherwise only its direct
	// children.
	Subtree bool `json:"subtree,omitempty"`
	// Group keeps the members of this group (its DN).
	Group string `json:"group,omitempty"`
	// Nested counts members of nested groups too (Active Directory's
	// in-chain matching rule); otherwise only direct members.
	Nested bool `json:"nested,omitempty"`
	// Filter is an LDAP filter the users must also match, e.g.
	// (department=Sales).
	Filter string `json:"filter,omitempty"`
	// Users keeps only these users, for an automation that is about named
	// people rather than a place in the directory. On save each may be
	// given by any identifier a user is found by (DN, logon name, mail,
	// id); it is kept as the user's stable id, so a rename or a move does
	// not drop the user from the scope. At most MaxScopeUsers. See
	// decision 0273.
	Users []ScopeUser `json:"users,omitempty"`
}

// MaxScopeUsers bounds Scope.Users: every one is a term of the scope's
// LDAP filter, and a longer list is a group's work.
const MaxScopeUsers = 200

// ScopeUser is one user named in a scope.
type ScopeUser struct {
	// ID is the user's objectGUID (AD) or entryUUID. On save it may hold
	// a DN, logon name or mail instead; it is replaced by the id.
	ID string `json:"id"`
	// Name is the user's display name when the scope was saved, so that
	// lists and forms show a person, not a GUID. It is not used to match.
	Name string `json:"name,omitempty"`
}

// Action is what an automation runs: exactly one of a template and a sync.
type Action struct {
	// Template is the id of an orchestration template.
	Template string `json:"template,omitempty"`
	// Sync is the id of a data source whose sync runs.
	Sync string `json:"sync,omitempty"`
}

// Options tune the runs an automation starts.
type Options struct {
	// DeactivationLimit stops a run that would deactivate more accounts
	// than this and waits for an admin; zero means the engine's default.
	DeactivationLimit int `json:"deactivationLimit,omitempty"`
}
