package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/idbridge/idbridge/host/watch"
)

// Dispatch is the change watcher's event handler: pass it as
// watch.Options.Handler. For each enabled event automation it works out
// whether the user crossed the edge of the scope, which kinds the change
// amounts to for that automation, and starts a run when the trigger names
// one of them. An error makes the watcher deliver the event again; scope
// records are only updated after the run started, so a redelivery sees the
// same crossing.
func (s *Service) Dispatch(ctx context.Context, e watch.Event) error {
	all, err := s.all(ctx)
	if err != nil {
		return err
	}
	s.dispatch.Lock()
	defer s.dispatch.Unlock()
	var errs []error
	for _, a := range all {
		if !a.Enabled || a.Trigger.Type != TriggerEvent {
			continue
		}
		if err := s.dispatchOne(ctx, a, e); err != nil {
			errs = append(errs, fmt.Errorf("automation %s, user %s: %w", a.ID, e.DN, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) dispatchOne(ctx context.Context, a Automation, e watch.Event) error {
	in := false
	if e.Kind != watch.UserDeleted {
		var err error
		if in, err = a.Scope.contains(ctx, s.cfg.Directory, e.DN); err != nil {
			return err
		}
	}
	prev, was, err := s.loadMember(ctx, a.ID, e.ID)
	if err != nil {
		return err
	}
	kinds := eventKinds(e.Kind, in, was)
	if matched := matching(kinds, a.Trigger.Events); len(matched) > 0 {
		obj := Object{ID: e.ID, DN: e.DN, Attributes: e.Attributes, Enabled: e.Enabled, Events: matched}
		if was {
			obj.Previous = prev.Attributes
		}
		if obj.Attributes == nil && was {
			// A deleted user: the template still needs the mail address
			// it was onboarded with.
			obj.Attributes = prev.Attributes
		}
		s.log.Debug("event in scope", "automation", a.ID, "user", e.DN, "events", matched)
		if _, err := s.startKeyed(ctx, a, RunByEvent, []Object{obj}, runKey(a.ID, e)); err != nil {
			return err
		}
	}
	switch {
	case in:
		return s.putMember(ctx, a.ID, e.ID, member{DN: e.DN, Attributes: e.Attributes, Enabled: e.Enabled})
	case was:
		return s.dropMember(ctx, a.ID, e.ID)
	}
	return nil
}

// eventKinds says what a watcher event amounts to for one automation,
// given whether the user is in its scope now and was before.
//
// A user outside the scope before and after concerns the automation not
// at all. One who left it is scope.left, and also deleted or disabled if
// that is how it left; one who entered it is scope.entered, and also
// created or re-enabled if that is how it arrived. Other kinds (a changed
// department that made the filter fail or match) are not reported on a
// crossing, so a "changed" automation acts only on users it covered before
// and after: a move template always has the old values to undo.
func eventKinds(k watch.Kind, in, was bool) []watch.Kind {
	switch {
	case in && !was:
		if k == watch.UserCreated || k == watch.UserReEnabled {
			return []watch.Kind{k, ScopeEntered}
		}
		return []watch.Kind{ScopeEntered}
	case in:
		return []watch.Kind{k}
	case was:
		if k == watch.UserDeleted || k == watch.UserDisabled {
			return []watch.Kind{k, ScopeLeft}
		}
		return []watch.Kind{ScopeLeft}
	}
	return nil
}

// matching returns the kinds the trigger names, in kinds' order.
func matching(kinds, trigger []watch.Kind) []watch.Kind {
	var out []watch.Kind
	for _, k := range kinds {
		if slices.Contains(trigger, k) {
			out = append(out, k)
		}
	}
	return out
}

// runKeySpace namespaces the run ids derived from changes.
var runKeySpace = uuid.MustParse("6b1d0c3e-4f7a-5e2b-9c8d-1a2b3c4d5e6f")

// runKey derives a run id from the change an event reports: the
// automation, the user, the kind and the directory's own stamp of the
// change (uSNChanged on AD, modifyTimestamp or whenChanged elsewhere).
// The same change delivered again gets the same id; "" when the event
// carries no stamp.
func runKey(automation string, e watch.Event) string {
	stamp := ""
	if e.Kind == watch.UserDeleted {
		stamp = "deleted" // a user is deleted once
	}
	for _, name := range []string{"uSNChanged", "modifyTimestamp", "whenChanged"} {
		if stamp != "" {
			break
		}
		for k, v := range e.Attributes {
			if strings.EqualFold(k, name) && len(v) > 0 {
				stamp = v[0]
				break
			}
		}
	}
	if stamp == "" {
		return ""
	}
	return uuid.NewSHA1(runKeySpace, []byte(automation+"\x00"+e.ID+"\x00"+string(e.Kind)+"\x00"+stamp)).String()
}

// WantsEvents reports whether any enabled automation triggers on directory
// changes. Pass it as watch.Options.Wanted: while no automation opts in,
// the watcher does not read the directory at all. See decision 0212.
func (s *Service) WantsEvents(ctx context.Context) (bool, error) {
	all, err := s.all(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(all, func(a Automation) bool { return a.Enabled && a.Trigger.Type == TriggerEvent }), nil
}
