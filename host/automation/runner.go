package automation

import (
	"context"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/watch"
)

// Trigger names recorded on runs, so a run record says what started it.
const (
	RunByEvent    = "ad-event"
	RunBySchedule = "schedule"
	RunByApplyNow = "apply-now"
)

// Object is one directory user a run works on, with what the template's
// macros read.
type Object struct {
	// ID is the stable id (objectGUID, or entryUUID on OpenLDAP).
	ID string `json:"id"`
	// DN is where the user is now (where it was last seen if deleted).
	DN string `json:"dn"`
	// Attributes are the user's current attributes (%ad.x%); nil when the
	// user was deleted, in which case Previous holds the last ones seen.
	Attributes map[string][]string `json:"attributes,omitempty"`
	// Previous are the attributes as they were when the automation last
	// saw the user in scope, so a move template can leave the old
	// department's group; nil when unknown.
	Previous map[string][]string `json:"previous,omitempty"`
	// Enabled is the account's state.
	Enabled bool `json:"enabled"`
	// Events are the kinds that matched, e.g. [user.created scope.entered].
	Events []watch.Kind `json:"events,omitempty"`
	// Groups are every group of the user, nested ones included, for
	// templates that read object.groups; nil otherwise.
	Groups []string `json:"groups,omitempty"`
}

// RunRequest asks for one run of a template or a sync.
type RunRequest struct {
	// ID, when set, makes starting idempotent: it is derived from the
	// change that caused the run, so a change delivered twice (the
	// watcher's at-least-once delivery) asks for the same run, and the
	// engine starts a known id only once. Empty lets the runner choose.
	ID string `json:"id,omitempty"`
	// Automation is the id of the automation that starts the run.
	Automation string `json:"automation"`
	// Template or Sync is what runs (one of them).
	Template string `json:"template,omitempty"`
	Sync     string `json:"sync,omitempty"`
	// Trigger is RunByEvent, RunBySchedule or RunByApplyNow.
	Trigger string `json:"trigger"`
	// Objects are the users the template runs for; empty for a sync.
	Objects []Object `json:"objects,omitempty"`
	// Options carry the automation's options, e.g. the deactivation limit.
	Options Options `json:"options"`
}

// Runner starts runs. The orchestration engine implements it for
// templates (and the sync service for data sources); StartRun must make the
// run durable before it returns, because the automation forgets the request
// once it succeeded.
type Runner interface {
	// StartRun records and starts the run and returns its id.
	StartRun(ctx context.Context, req RunRequest) (runID string, err error)
}

// RunnerFunc adapts a function to Runner.
type RunnerFunc func(ctx context.Context, req RunRequest) (string, error)

// StartRun implements Runner.
func (f RunnerFunc) StartRun(ctx context.Context, req RunRequest) (string, error) { return f(ctx, req) }

// TemplateInfo is what the service needs to know about a template at save.
type TemplateInfo struct {
	// ID and Name identify the template.
	ID, Name string
	// Integrations are the integrations its steps call.
	Integrations []string
	// NeedsGroups says a step reads object.groups, so runs of it look up
	// each user's nested groups first.
	NeedsGroups bool
}

// Templates tells which templates exist; the orchestration engine's store
// implements it. An unknown id must yield an error wrapping
// store.ErrNotFound.
type Templates interface {
	// Template describes the template with id.
	Template(ctx context.Context, id string) (TemplateInfo, error)
}

// Syncs tells which data-source syncs exist; nil refuses sync actions.
type Syncs interface {
	// SyncExists returns an error wrapping store.ErrNotFound for an
	// unknown data source.
	SyncExists(ctx context.Context, id string) error
}

// Integrations reports whether an integration is enabled; the integrations
// service implements it through IntegrationsFunc.
type Integrations interface {
	// IntegrationEnabled reports whether the integration id may be used.
	IntegrationEnabled(ctx context.Context, id string) (bool, error)
}

// IntegrationsFunc adapts a function to Integrations.
type IntegrationsFunc func(ctx context.Context, id string) (bool, error)

// IntegrationEnabled implements Integrations.
func (f IntegrationsFunc) IntegrationEnabled(ctx context.Context, id string) (bool, error) {
	return f(ctx, id)
}

// Directory is the part of *directory.Client the service reads scope with.
type Directory interface {
	Flavor() directory.Flavor
	BaseDN() string
	Users(ctx context.Context, q directory.UserQuery, fn func(directory.User) error) error
	GetUser(ctx context.Context, dn string) (directory.User, error)
	UserByID(ctx context.Context, id string) (directory.User, error)
	// ResolveUser finds a user by DN, id, logon name or mail, as every
	// place that takes a user does (see decision 0223).
	ResolveUser(ctx context.Context, ref string) (directory.User, error)
	// NestedGroups lists every group dn is in, nested ones included.
	NestedGroups(ctx context.Context, dn string) ([]string, error)
}

var _ Directory = (*directory.Client)(nil)
