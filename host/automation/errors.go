package automation

import (
	"errors"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

// Sentinel errors, each naming the fix. Problems found at save are returned
// together in a *ValidationError whose problems wrap these.
var (
	// ErrInvalid is wrapped by every *ValidationError.
	ErrInvalid = errors.New("the automation is not valid")
	// ErrEmptyScope: no OU, group or filter was given.
	ErrEmptyScope = errors.New("the scope is empty: set an OU, a group, an LDAP filter or users (use the domain's base DN as the OU to mean everyone)")
	// ErrUnknownScopeUser: a user named in the scope is not in the
	// directory.
	ErrUnknownScopeUser = errors.New("no user has the DN, logon name, mail or id")
	// ErrTooManyScopeUsers: the scope names more than MaxScopeUsers users.
	ErrTooManyScopeUsers = errors.New("too many users in the scope")
	// ErrBadSchedule: the cron expression does not parse.
	ErrBadSchedule = errors.New("the schedule is not a cron expression: use five fields (minute hour day month weekday), e.g. \"0 6 * * 1-5\", or a descriptor such as @daily or @every 1h")
	// ErrBadFilter: the LDAP filter does not parse.
	ErrBadFilter = errors.New("the LDAP filter does not parse: write it in parentheses, e.g. (department=Sales), and escape * ( ) \\ in values as \\2a \\28 \\29 \\5c")
	// ErrBadDN: the OU or group is not a distinguished name.
	ErrBadDN = errors.New("not a distinguished name: write it as OU=Sales,DC=example,DC=com")
	// ErrUnknownTemplate: the template id names no template.
	ErrUnknownTemplate = errors.New("no orchestration template has this id: choose one from the list of templates")
	// ErrUnknownSync: the data source id names no data source.
	ErrUnknownSync = errors.New("no data source has this id: choose one from the list of data sources")
	// ErrBadAction: both or neither of template and sync were given.
	ErrBadAction = errors.New("say what runs: choose one template or one data source, not both")
	// ErrBadTrigger: unknown trigger type, event kind or missing events.
	ErrBadTrigger = errors.New("the trigger is not valid")
	// ErrNestedNeedsAD: nested group scope on a directory without in-chain
	// matching.
	ErrNestedNeedsAD = errors.New("nested group membership needs Active Directory's in-chain matching rule: on this directory set nested to false")
	// ErrNotFound: no automation has the id.
	ErrNotFound = errors.New("no automation has this id: the list of automations shows the ids")
	// ErrNoObjects: apply-now was called without users or groups.
	ErrNoObjects = errors.New("choose at least one user or group to apply the automation to")
	// ErrDisabledAutomation: an event or schedule reached a disabled one.
	ErrDisabledAutomation = errors.New("the automation is disabled: enable it first")
	// ErrPaused: an integration the automation uses is disabled.
	ErrPaused = errors.New("an integration the automation uses is disabled: the run is held and starts when the integration is enabled again")
)

// Problem is one reason an automation was refused, with the field it is
// about.
type Problem struct {
	// Field is the JSON path of the field, e.g. "trigger.schedule".
	Field string `json:"field"`
	// Err says what is wrong and how to fix it.
	Err error `json:"-"`
	// Message is Err's text, for JSON answers.
	Message string `json:"message"`
}

// ValidationError lists every problem found at save, so an admin fixes
// them in one go.
type ValidationError struct {
	// Problems are in field order.
	Problems []Problem
}

// Error implements error. Each problem names its field in words
// ("Schedule: ..."), never by its JSON path, which stays in Field. See
// decision 0271.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = api.Labelled(api.FieldLabel(p.Field, fieldLabels), p.Err.Error())
	}
	return ErrInvalid.Error() + ": " + strings.Join(parts, "; ")
}

// fieldLabels name an automation's fields as the console's form does.
var fieldLabels = map[string]string{
	"trigger":                   "Trigger",
	"trigger.type":              "Trigger",
	"trigger.events":            "Events",
	"trigger.schedule":          "Schedule",
	"scope.ou":                  "OU",
	"scope.group":               "Group",
	"scope.filter":              "LDAP filter",
	"scope.nested":              "Nested group members",
	"action":                    "What runs",
	"action.template":           "Template",
	"action.sync":               "Data source",
	"options.deactivationLimit": "Deactivation limit",
}

// Unwrap returns ErrInvalid and each problem's error, for errors.Is.
func (e *ValidationError) Unwrap() []error {
	out := []error{ErrInvalid}
	for _, p := range e.Problems {
		out = append(out, p.Err)
	}
	return out
}
