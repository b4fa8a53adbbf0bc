package automation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/store"
)

// The service pauses automations when the integrations service disables
// one of theirs: register it with integrations.Service.Observe.
var _ integrations.EnabledObserver = (*Service)(nil)

// IntegrationsOf reads the enabled flag from the integrations service, for
// Config.Integrations: a held run starts once its integration is enabled
// again even though that service tells observers only about disabling.
// An integration that no longer exists counts as disabled.
func IntegrationsOf(s *integrations.Service) Integrations {
	return IntegrationsFunc(func(ctx context.Context, id string) (bool, error) {
		v, err := s.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return v.Enabled, nil
	})
}

// held is a run request kept while an integration is disabled.
type held struct {
	Request RunRequest `json:"request"`
	// Integrations are the integrations that must be enabled first.
	Integrations []string `json:"integrations"`
}

// start asks the runner for runs of a over objs, in batches; while an
// integration of a is disabled the requests are held instead. It returns
// the ids of the runs started (none when held).
func (s *Service) start(ctx context.Context, a Automation, trigger string, objs []Object) ([]string, error) {
	return s.startKeyed(ctx, a, trigger, objs, "")
}

// startKeyed is start with an idempotency key for a single-request run.
func (s *Service) startKeyed(ctx context.Context, a Automation, trigger string, objs []Object, key string) ([]string, error) {
	if err := s.withGroups(ctx, a, objs); err != nil {
		return nil, err
	}
	reqs := s.requests(a, trigger, objs)
	if len(reqs) == 1 {
		reqs[0].ID = key
	}
	paused, err := s.pausedBy(ctx, a.Integrations)
	if err != nil {
		return nil, err
	}
	if paused != "" {
		for _, r := range reqs {
			if err := s.hold(ctx, r, a.Integrations); err != nil {
				return nil, err
			}
		}
		s.log.Info("run held while an integration is disabled", "automation", a.ID, "integration", paused, "objects", len(objs))
		return nil, nil
	}
	var ids []string
	for _, r := range reqs {
		id, err := s.cfg.Runner.StartRun(ctx, r)
		if err != nil {
			return ids, fmt.Errorf("start a run of %s: %w", a.ID, err)
		}
		s.log.Info("run started", "automation", a.ID, "run", id, "trigger", trigger, "objects", len(r.Objects))
		ids = append(ids, id)
	}
	return ids, nil
}

// requests splits objs into run requests of at most BatchSize objects; a
// sync gets one request without objects.
func (s *Service) requests(a Automation, trigger string, objs []Object) []RunRequest {
	base := RunRequest{Automation: a.ID, Template: a.Action.Template, Sync: a.Action.Sync, Trigger: trigger, Options: a.Options}
	if a.Action.Sync != "" || len(objs) == 0 {
		return []RunRequest{base}
	}
	var out []RunRequest
	for len(objs) > 0 {
		n := min(len(objs), s.cfg.BatchSize)
		r := base
		r.Objects = objs[:n:n]
		objs = objs[n:]
		out = append(out, r)
	}
	return out
}

// pausedBy returns the first of integrations that is disabled, or "".
func (s *Service) pausedBy(ctx context.Context, integrations []string) (string, error) {
	for _, id := range integrations {
		s.mu.Lock()
		p := s.paused[id]
		s.mu.Unlock()
		if s.cfg.Integrations != nil {
			on, err := s.cfg.Integrations.IntegrationEnabled(ctx, id)
			switch {
			case errors.Is(err, store.ErrNotFound):
				// A deleted integration holds the runs until an admin
				// changes the automation; failing here would stall the
				// watcher on the same event for ever.
				on = false
			case err != nil:
				return "", fmt.Errorf("ask whether integration %s is enabled: %w", id, err)
			}
			p = !on
			s.mu.Lock()
			if on {
				delete(s.paused, id)
			} else {
				s.paused[id] = true
			}
			s.mu.Unlock()
		}
		if p {
			return id, nil
		}
	}
	return "", nil
}

func (s *Service) hold(ctx context.Context, r RunRequest, integrations []string) error {
	id := r.Automation + "/" + uuid.NewString()
	if err := s.cfg.Docs.Put(ctx, kindHeld, id, held{Request: r, Integrations: integrations}); err != nil {
		return fmt.Errorf("hold a run of %s: %w", r.Automation, err)
	}
	return nil
}

// OnDisabled implements integrations.Observer: the automations that use
// the integration pause; what they would run is held.
func (s *Service) OnDisabled(_ context.Context, integrationID string) error {
	s.mu.Lock()
	s.paused[integrationID] = true
	s.mu.Unlock()
	s.log.Info("automations using the integration are paused", "integration", integrationID)
	return nil
}

// OnEnabled resumes the automations using the integration and starts the
// runs held for them now rather than at the next retry.
func (s *Service) OnEnabled(ctx context.Context, integrationID string) error {
	s.mu.Lock()
	delete(s.paused, integrationID)
	s.mu.Unlock()
	s.log.Info("automations using the integration resume", "integration", integrationID)
	return s.ResumeHeld(ctx)
}

// Paused reports whether the automation is paused, and by which
// integration.
func (s *Service) Paused(ctx context.Context, id string) (string, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return s.pausedBy(ctx, a.Integrations)
}

// ResumeHeld starts the held runs whose integrations are all enabled
// again. The background loop calls it every HeldRetry.
func (s *Service) ResumeHeld(ctx context.Context) error {
	type item struct {
		id string
		h  held
	}
	var items []item
	err := s.cfg.Docs.List(ctx, kindHeld, func(id string, decode func(any) error) error {
		var h held
		if err := decode(&h); err != nil {
			return fmt.Errorf("read held run %s: %w", id, err)
		}
		items = append(items, item{id, h})
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, it := range items {
		paused, err := s.pausedBy(ctx, it.h.Integrations)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if paused != "" {
			continue
		}
		runID, err := s.cfg.Runner.StartRun(ctx, it.h.Request)
		if err != nil {
			errs = append(errs, fmt.Errorf("start held run of %s: %w", it.h.Request.Automation, err))
			continue
		}
		s.log.Info("held run started", "automation", it.h.Request.Automation, "run", runID, "objects", len(it.h.Request.Objects))
		if err := s.cfg.Docs.Delete(ctx, kindHeld, it.id); err != nil {
			errs = append(errs, fmt.Errorf("forget held run %s: %w", it.id, err))
		}
	}
	return errors.Join(errs...)
}

// dropHeld deletes the held runs of a deleted automation.
func (s *Service) dropHeld(ctx context.Context, automation string) error {
	var ids []string
	err := s.cfg.Docs.List(ctx, kindHeld, func(id string, _ func(any) error) error {
		if strings.HasPrefix(id, automation+"/") {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.cfg.Docs.Delete(ctx, kindHeld, id); err != nil {
			return fmt.Errorf("drop held run %s: %w", id, err)
		}
	}
	return nil
}

// withGroups fills each user's nested groups when a's template reads
// object.groups: a roles template must see a user of a nested group as a
// member, and a run started without them would take roles away. A
// deleted user (no attributes) keeps none. See decision 0215.
func (s *Service) withGroups(ctx context.Context, a Automation, objs []Object) error {
	if a.Action.Template == "" || len(objs) == 0 {
		return nil
	}
	info, err := s.cfg.Templates.Template(ctx, a.Action.Template)
	if err != nil || !info.NeedsGroups {
		return err
	}
	for i := range objs {
		if objs[i].Attributes == nil || objs[i].Groups != nil {
			continue
		}
		groups, err := s.cfg.Directory.NestedGroups(ctx, objs[i].DN)
		if err != nil {
			return fmt.Errorf("read the groups of %s for %s: %w", objs[i].DN, a.ID, err)
		}
		objs[i].Groups = append([]string{}, groups...)
	}
	return nil
}
