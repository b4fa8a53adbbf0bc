package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/robfig/cron/v3"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/store"
)

// cronParser accepts the standard five fields and the descriptors
// (@daily, @every 1h, ...): what admins know from crontab.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron expression as schedules are saved.
func ParseSchedule(expr string) (cron.Schedule, error) {
	s, err := cronParser.Parse(strings.TrimSpace(expr))
	if err != nil {
		return nil, describeScheduleError(expr)
	}
	return s, nil
}

// validator collects problems.
type validator struct{ problems []Problem }

func (v *validator) add(field string, err error) {
	v.problems = append(v.problems, Problem{Field: field, Err: err, Message: err.Error()})
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

// validate checks a, normalises its fields in place (trimmed text, a
// canonical filter, sorted unique events) and fills in Integrations.
func (s *Service) validate(ctx context.Context, a *Automation) error {
	var v validator
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		v.add("name", errors.New("give the automation a name"))
	}
	s.validateTrigger(&v, &a.Trigger)
	if err := s.validateScope(ctx, &v, &a.Scope); err != nil {
		return err
	}
	if err := s.validateAction(ctx, &v, a); err != nil {
		return err
	}
	if a.Options.DeactivationLimit < 0 {
		v.add("options.deactivationLimit", errors.New("the deactivation limit cannot be negative; 0 means the engine's default"))
	}
	return v.err()
}

func (s *Service) validateTrigger(v *validator, t *Trigger) {
	switch t.Type {
	case TriggerEvent:
		if len(t.Events) == 0 {
			v.add("trigger.events", fmt.Errorf("%w: name the events to react to, e.g. user.created and scope.entered", ErrBadTrigger))
		}
		for _, k := range t.Events {
			if !slices.Contains(TriggerKinds, k) {
				v.add("trigger.events", fmt.Errorf("%w: unknown event %q; use one of %s", ErrBadTrigger, k, kindList()))
			}
		}
		slices.Sort(t.Events)
		t.Events = slices.Compact(t.Events)
		if t.Schedule != "" {
			v.add("trigger.schedule", fmt.Errorf("%w: an event trigger has no schedule; use type schedule", ErrBadTrigger))
		}
	case TriggerSchedule:
		t.Schedule = strings.TrimSpace(t.Schedule)
		if _, err := ParseSchedule(t.Schedule); err != nil {
			v.add("trigger.schedule", err)
		}
		if len(t.Events) > 0 {
			v.add("trigger.events", fmt.Errorf("%w: a schedule trigger has no events; use type event", ErrBadTrigger))
		}
	case TriggerManual:
		if len(t.Events) > 0 || t.Schedule != "" {
			v.add("trigger", fmt.Errorf("%w: a manual trigger runs only when applied now; remove events and schedule", ErrBadTrigger))
		}
	default:
		v.add("trigger.type", fmt.Errorf("%w: type %q; use event, schedule or manual", ErrBadTrigger, t.Type))
	}
}

func kindList() string {
	names := make([]string, len(TriggerKinds))
	for i, k := range TriggerKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// validateScope checks the scope's parts. Only a directory that cannot be
// asked is returned as an error; an unknown user is a problem.
func (s *Service) validateScope(ctx context.Context, v *validator, sc *Scope) error {
	sc.OU, sc.Group = strings.TrimSpace(sc.OU), strings.TrimSpace(sc.Group)
	if sc.isEmpty() {
		v.add("scope", ErrEmptyScope)
		return nil
	}
	if sc.OU != "" {
		if _, err := ldap.ParseDN(sc.OU); err != nil || !strings.Contains(sc.OU, "=") {
			v.add("scope.ou", fmt.Errorf("%w (%q)", ErrBadDN, sc.OU))
		}
	}
	if sc.Group != "" {
		if _, err := ldap.ParseDN(sc.Group); err != nil || !strings.Contains(sc.Group, "=") {
			v.add("scope.group", fmt.Errorf("%w (%q)", ErrBadDN, sc.Group))
		}
		if sc.Nested && s.cfg.Directory != nil && s.cfg.Directory.Flavor() != directory.FlavorAD {
			v.add("scope.nested", ErrNestedNeedsAD)
		}
	} else if sc.Nested {
		v.add("scope.nested", errors.New("nested applies to a group: set scope.group or remove nested"))
	}
	if sc.Filter != "" {
		f, err := normalizeFilter(sc.Filter)
		if err != nil {
			v.add("scope.filter", err)
		} else {
			sc.Filter = f
		}
	}
	return s.resolveScopeUsers(ctx, v, sc)
}

// resolveScopeUsers finds each named user, by whatever identifier was
// given, and keeps their stable id and name: the scope then follows the
// person through renames and moves. See decision 0273.
func (s *Service) resolveScopeUsers(ctx context.Context, v *validator, sc *Scope) error {
	if len(sc.Users) == 0 {
		sc.Users = nil
		return nil
	}
	if len(sc.Users) > MaxScopeUsers {
		v.add("scope.users", fmt.Errorf("%w: %d users are named; name at most %d, or scope by a group or an OU instead", ErrTooManyScopeUsers, len(sc.Users), MaxScopeUsers))
		return nil
	}
	if s.cfg.Directory == nil {
		v.add("scope.users", errors.New("this host has no directory to find users in; scope by OU, group or filter"))
		return nil
	}
	seen := map[string]bool{}
	kept := sc.Users[:0]
	for i, su := range sc.Users {
		field := fmt.Sprintf("scope.users[%d]", i)
		ref := strings.TrimSpace(su.ID)
		if ref == "" {
			v.add(field, errors.New("pick a user, or remove the row"))
			continue
		}
		u, err := s.cfg.Directory.ResolveUser(ctx, ref)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			v.add(field, fmt.Errorf("%w %q; search for the person and pick them", ErrUnknownScopeUser, ref))
			continue
		case errors.Is(err, directory.ErrAmbiguous):
			v.add(field, fmt.Errorf("more than one user matches %q; pick the person by their DN", ref))
			continue
		case err != nil:
			return fmt.Errorf("find scope user %q: %w", ref, err)
		}
		if seen[u.ID] {
			continue
		}
		seen[u.ID] = true
		kept = append(kept, ScopeUser{ID: u.ID, Name: displayName(u)})
	}
	sc.Users = kept
	return nil
}

// displayName is what a list shows for a user: the display name, else
// the cn, else the DN.
func displayName(u directory.User) string {
	for _, a := range []string{"displayName", "cn"} {
		if n := u.Get(a); n != "" {
			return n
		}
	}
	return u.DN
}

// validateAction checks what runs. Only a failure to ask the catalog is
// returned as an error; unknown ids are problems.
func (s *Service) validateAction(ctx context.Context, v *validator, a *Automation) error {
	act := &a.Action
	act.Template, act.Sync = strings.TrimSpace(act.Template), strings.TrimSpace(act.Sync)
	switch {
	case (act.Template == "") == (act.Sync == ""):
		v.add("action", ErrBadAction)
	case act.Template != "":
		info, err := s.cfg.Templates.Template(ctx, act.Template)
		switch {
		case errors.Is(err, store.ErrNotFound):
			v.add("action.template", fmt.Errorf("%w (%q)", ErrUnknownTemplate, act.Template))
		case err != nil:
			return fmt.Errorf("look up template %s: %w", act.Template, err)
		default:
			a.Integrations = slices.Clone(info.Integrations)
		}
	default:
		if s.cfg.Syncs == nil {
			v.add("action.sync", fmt.Errorf("%w (%q): this host runs no data-source syncs from automations", ErrUnknownSync, act.Sync))
			return nil
		}
		err := s.cfg.Syncs.SyncExists(ctx, act.Sync)
		switch {
		case errors.Is(err, store.ErrNotFound):
			v.add("action.sync", fmt.Errorf("%w (%q)", ErrUnknownSync, act.Sync))
		case err != nil:
			return fmt.Errorf("look up data source %s: %w", act.Sync, err)
		}
		a.Integrations = nil
	}
	if a.Trigger.Type == TriggerEvent && act.Sync != "" {
		v.add("trigger.type", fmt.Errorf("%w: a data-source sync runs on a schedule or now, not per AD event", ErrBadTrigger))
	}
	return nil
}
