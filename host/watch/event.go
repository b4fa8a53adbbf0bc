package watch

import (
	"time"

	"github.com/idbridge/idbridge/host/directory"
)

// Kind names what happened to a user. The strings are stable: automations
// store them as their trigger.
type Kind string

// The event kinds automations can trigger on.
const (
	UserCreated            Kind = "user.created"
	UserChanged            Kind = "user.changed"
	UserMoved              Kind = "user.moved"
	UserDisabled           Kind = "user.disabled"
	UserReEnabled          Kind = "user.reenabled"
	UserDeleted            Kind = "user.deleted"
	GroupMembershipChanged Kind = "user.groups.changed"
)

// Kinds lists every event kind, for validating saved triggers.
var Kinds = []Kind{UserCreated, UserChanged, UserMoved, UserDisabled, UserReEnabled, UserDeleted, GroupMembershipChanged}

// Event is one change to one user.
type Event struct {
	Kind Kind
	// ID is the user's stable ID (objectGUID or entryUUID).
	ID string
	// DN is where the user is now (for UserDeleted: where it was last seen).
	DN string
	// OldDN is where a moved user was; "" when it entered the watched base
	// from outside.
	OldDN string
	// Attributes are the user's current attributes, for scope checks and
	// macros; nil for UserDeleted.
	Attributes map[string][]string
	// Enabled is the account's current state.
	Enabled bool
	// Changed names the watched attributes that changed (UserChanged).
	Changed []string
	// GroupsAdded and GroupsRemoved are group DNs (GroupMembershipChanged).
	GroupsAdded   []string
	GroupsRemoved []string
	// Nested marks a GroupMembershipChanged that came from a group added
	// into or removed from a group: the user's own groups did not change,
	// the groups they are in through nesting did, and GroupsAdded and
	// GroupsRemoved name those (lower-cased). See decision 0217.
	Nested bool
	// DetectedAt is when the watcher saw the change.
	DetectedAt time.Time
}

// OU is the DN of the container holding the user now.
func (e Event) OU() string { return directory.ParentDN(e.DN) }

// OldOU is the container a moved user came from ("" if unknown).
func (e Event) OldOU() string { return directory.ParentDN(e.OldDN) }
