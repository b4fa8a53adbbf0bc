package automation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/watch"
)

// flatDirectory is a directory without AD's features, for save-time
// checks that never read it.
type flatDirectory struct{ flavor directory.Flavor }

func (d flatDirectory) Flavor() directory.Flavor { return d.flavor }
func (flatDirectory) BaseDN() string             { return "dc=example,dc=test" }
func (flatDirectory) Users(context.Context, directory.UserQuery, func(directory.User) error) error {
	return nil
}
func (flatDirectory) GetUser(context.Context, string) (directory.User, error) {
	return directory.User{}, directory.ErrNotFound
}
func (flatDirectory) UserByID(context.Context, string) (directory.User, error) {
	return directory.User{}, directory.ErrNotFound
}
func (flatDirectory) ResolveUser(context.Context, string) (directory.User, error) {
	return directory.User{}, directory.ErrNotFound
}
func (flatDirectory) NestedGroups(context.Context, string) ([]string, error) { return nil, nil }

type syncs map[string]bool

func (s syncs) SyncExists(_ context.Context, id string) error {
	if s[id] {
		return nil
	}
	return store.ErrNotFound
}

func newService(t *testing.T, dir automation.Directory) *automation.Service {
	t.Helper()
	svc, err := automation.New(automation.Config{Docs: store.NewMemoryDocs(), Directory: dir, Runner: &runs{},
		Templates: testCatalog, Syncs: syncs{"clockify-users": true}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func valid() automation.Automation {
	return automation.Automation{Name: "Onboarding", Scope: automation.Scope{OU: "OU=Staff,DC=example,DC=test", Subtree: true},
		Trigger: automation.Trigger{Type: automation.TriggerEvent, Events: []watch.Kind{automation.ScopeEntered}},
		Action:  automation.Action{Template: "onboard"}}
}

// TestSaveRefuses checks every save-time refusal: each names the field and
// wraps the sentinel whose text says what to do.
func TestSaveRefuses(t *testing.T) {
	cases := map[string]struct {
		edit  func(*automation.Automation)
		field string
		want  error
	}{
		"unknown template": {func(a *automation.Automation) { a.Action.Template = "nope" }, "action.template", automation.ErrUnknownTemplate},
		"unknown sync": {func(a *automation.Automation) {
			a.Action = automation.Action{Sync: "nope"}
			a.Trigger = automation.Trigger{Type: automation.TriggerManual}
		}, "action.sync", automation.ErrUnknownSync},
		"both actions": {func(a *automation.Automation) { a.Action.Sync = "clockify-users" }, "action", automation.ErrBadAction},
		"no action":    {func(a *automation.Automation) { a.Action = automation.Action{} }, "action", automation.ErrBadAction},
		"bad cron": {func(a *automation.Automation) {
			a.Trigger = automation.Trigger{Type: automation.TriggerSchedule, Schedule: "every day"}
		}, "trigger.schedule", automation.ErrBadSchedule},
		"six fields": {func(a *automation.Automation) {
			a.Trigger = automation.Trigger{Type: automation.TriggerSchedule, Schedule: "0 0 6 * * *"}
		}, "trigger.schedule", automation.ErrBadSchedule},
		"bad filter":    {func(a *automation.Automation) { a.Scope.Filter = "(department=Sales" }, "scope.filter", automation.ErrBadFilter},
		"two filters":   {func(a *automation.Automation) { a.Scope.Filter = "(a=b))(|(objectClass=*)" }, "scope.filter", automation.ErrBadFilter},
		"empty scope":   {func(a *automation.Automation) { a.Scope = automation.Scope{Subtree: true} }, "scope", automation.ErrEmptyScope},
		"bad OU":        {func(a *automation.Automation) { a.Scope.OU = "Staff" }, "scope.ou", automation.ErrBadDN},
		"bad group":     {func(a *automation.Automation) { a.Scope.Group = "staff group" }, "scope.group", automation.ErrBadDN},
		"unknown event": {func(a *automation.Automation) { a.Trigger.Events = []watch.Kind{"user.promoted"} }, "trigger.events", automation.ErrBadTrigger},
		"no events":     {func(a *automation.Automation) { a.Trigger.Events = nil }, "trigger.events", automation.ErrBadTrigger},
		"unknown type":  {func(a *automation.Automation) { a.Trigger.Type = "webhook" }, "trigger.type", automation.ErrBadTrigger},
		"sync per event": {func(a *automation.Automation) {
			a.Action = automation.Action{Sync: "clockify-users"}
		}, "trigger.type", automation.ErrBadTrigger},
		"no name": {func(a *automation.Automation) { a.Name = " " }, "name", automation.ErrInvalid},
	}
	svc := newService(t, flatDirectory{directory.FlavorAD})
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := valid()
			tc.edit(&a)
			_, err := svc.Create(context.Background(), a)
			var ve *automation.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, tc.want) || !errors.Is(err, automation.ErrInvalid) {
				t.Fatalf("Create = %v, want a ValidationError wrapping %v", err, tc.want)
			}
			named := false
			for _, p := range ve.Problems {
				named = named || p.Field == tc.field
			}
			if !named {
				t.Errorf("error %q has no problem with the field %s", err, tc.field)
			}
			// The message names fields in words, the path stays in the
			// problem's Field. See decision 0271.
			for _, path := range []string{"trigger.type", "trigger.events", "trigger.schedule", "scope.ou", "scope.group", "scope.filter", "action.template", "action.sync", "options."} {
				if strings.Contains(err.Error(), path) {
					t.Errorf("error %q shows the path %s", err, path)
				}
			}
		})
	}
}

func TestNestedNeedsAD(t *testing.T) {
	svc := newService(t, flatDirectory{directory.FlavorLDAP})
	a := valid()
	a.Scope.Group, a.Scope.Nested = "cn=staff,ou=groups,dc=example,dc=test", true
	if _, err := svc.Create(context.Background(), a); !errors.Is(err, automation.ErrNestedNeedsAD) {
		t.Fatalf("nested group on OpenLDAP: %v", err)
	}
}

func TestSaveAccepts(t *testing.T) {
	svc := newService(t, flatDirectory{directory.FlavorAD})
	ctx := context.Background()
	for _, sched := range []string{"@every 1s", "@daily", "0 6 * * 1-5", "*/15 * * * *"} {
		a := valid()
		a.Trigger = automation.Trigger{Type: automation.TriggerSchedule, Schedule: sched}
		if _, err := svc.Create(ctx, a); err != nil {
			t.Errorf("schedule %q refused: %v", sched, err)
		}
	}
	a := valid()
	a.Scope.Filter = "department=Sales" // parentheses added
	a.Trigger.Events = []watch.Kind{automation.ScopeEntered, watch.UserCreated, automation.ScopeEntered}
	got, err := svc.Create(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.Scope.Filter != "(department=Sales)" {
		t.Errorf("filter saved as %q", got.Scope.Filter)
	}
	if len(got.Trigger.Events) != 2 {
		t.Errorf("events not deduplicated: %v", got.Trigger.Events)
	}
	if strings.Join(got.Integrations, ",") != "clockify" {
		t.Errorf("integrations %v, want those of the template", got.Integrations)
	}
	m := valid()
	m.Action = automation.Action{Sync: "clockify-users"}
	m.Trigger = automation.Trigger{Type: automation.TriggerManual}
	if _, err := svc.Create(ctx, m); err != nil {
		t.Errorf("manual sync refused: %v", err)
	}
}

// TestCRUD covers ids from names, persistence across service instances,
// update, enable/disable and delete.
func TestCRUD(t *testing.T) {
	ctx := context.Background()
	docs := store.NewMemoryDocs()
	mk := func() *automation.Service {
		svc, err := automation.New(automation.Config{Docs: docs, Directory: flatDirectory{directory.FlavorAD}, Runner: &runs{}, Templates: testCatalog})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	svc := mk()
	a1, err := svc.Create(ctx, valid())
	must(t, err)
	a2, err := svc.Create(ctx, valid())
	must(t, err)
	if a1.ID != "onboarding" || a2.ID != "onboarding-2" {
		t.Fatalf("ids %s, %s", a1.ID, a2.ID)
	}
	edit := *a1
	edit.Name = "Renamed"
	edit.Scope.Filter = "(title=*)"
	if _, err := svc.Update(ctx, a1.ID, edit); err != nil {
		t.Fatal(err)
	}
	bad := edit
	bad.Trigger.Events = nil
	if _, err := svc.Update(ctx, a1.ID, bad); !errors.Is(err, automation.ErrBadTrigger) {
		t.Fatalf("update with no events: %v", err)
	}
	_, err = svc.SetEnabled(ctx, a2.ID, true)
	must(t, err)

	again := mk() // a restarted host reads what was saved
	list, err := again.List(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Name != "Renamed" || list[0].ID != "onboarding" || !list[1].Enabled {
		t.Fatalf("after restart: %+v", list)
	}
	must(t, again.Delete(ctx, a1.ID))
	if _, err := again.Get(ctx, a1.ID); !errors.Is(err, automation.ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
	if err := again.Delete(ctx, a1.ID); !errors.Is(err, automation.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := again.Update(ctx, "nope", valid()); !errors.Is(err, automation.ErrNotFound) {
		t.Fatalf("update unknown: %v", err)
	}
}

func TestNewNeedsItsParts(t *testing.T) {
	full := automation.Config{Docs: store.NewMemoryDocs(), Directory: flatDirectory{}, Runner: &runs{}, Templates: testCatalog}
	for name, edit := range map[string]func(*automation.Config){
		"Docs":      func(c *automation.Config) { c.Docs = nil },
		"Directory": func(c *automation.Config) { c.Directory = nil },
		"Runner":    func(c *automation.Config) { c.Runner = nil },
		"Templates": func(c *automation.Config) { c.Templates = nil },
	} {
		c := full
		edit(&c)
		if _, err := automation.New(c); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("New without %s: %v", name, err)
		}
	}
}
