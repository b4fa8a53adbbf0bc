package integrations

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/idbridge/idbridge/host/internal/resourceid"
	"github.com/idbridge/idbridge/host/store"
)

// CreateRequest is what an admin gives to create an integration.
type CreateRequest struct {
	// ID is optional; it defaults to a slug of Name.
	ID string `json:"id,omitempty"`
	// ExtensionID names the installed extension to use.
	ExtensionID string `json:"extension_id"`
	// Name is shown to people; it defaults to ExtensionID.
	Name string `json:"name"`
	// Settings are the plain settings.
	Settings map[string]string `json:"settings,omitempty"`
	// Authorization holds the secret settings, in clear on the way in.
	Authorization map[string]string `json:"authorization,omitempty"`
}

// Create describes the extension's connector, validates the settings
// against its schema and stores a disabled integration.
func (s *Service) Create(ctx context.Context, req CreateRequest) (*View, error) {
	if req.ExtensionID == "" {
		return nil, &ValidationError{[]Problem{{"extension_id", "name the installed extension this integration uses"}}}
	}
	if req.Name == "" {
		req.Name = req.ExtensionID
	}
	if req.ID == "" {
		req.ID = resourceid.FromName(req.Name, 0)
	}
	if !resourceid.Valid(req.ID) {
		return nil, &ValidationError{[]Problem{{"id", "use 1-63 lower-case letters, digits and dashes, starting with a letter or digit"}}}
	}
	unlock := s.lock(req.ID)
	defer unlock()
	if _, err := s.load(ctx, req.ID); err == nil {
		return nil, fmt.Errorf("integration %q already exists; choose another id: %w", req.ID, store.ErrConflict)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	now := s.now()
	in := &Integration{ID: req.ID, ExtensionID: req.ExtensionID, Name: req.Name, Created: now}
	sch, err := s.schemaOf(ctx, in)
	if err != nil {
		return nil, err
	}
	problems := append(sch.check(req.Settings, false), sch.check(req.Authorization, true)...)
	hp, err := s.hostProblems(ctx, in, sch, req.Settings)
	if err != nil {
		return nil, err
	}
	if problems = append(problems, hp...); len(problems) > 0 {
		return nil, &ValidationError{problems}
	}
	in.Settings = mergeValues(nil, req.Settings)
	if err := s.seal(in, req.Authorization); err != nil {
		return nil, err
	}
	if err := s.save(ctx, in); err != nil {
		return nil, err
	}
	s.log.Info("integration created", "integration", in.ID, "extension", in.ExtensionID)
	return s.view(ctx, in), nil
}

// mergeValues applies a patch: keys with a value are set, keys with an
// empty value are removed.
func mergeValues(base, patch map[string]string) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range patch {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// seal applies a patch of secret values to the record, sealed.
func (s *Service) seal(in *Integration, patch map[string]string) error {
	if in.Authorization == nil {
		in.Authorization = map[string]string{}
	}
	for k, v := range patch {
		if v == "" {
			delete(in.Authorization, k)
			continue
		}
		sealed, err := s.cfg.Box.Seal([]byte(v), binding(in.ID, k))
		if err != nil {
			return fmt.Errorf("seal setting %s: %w", k, err)
		}
		in.Authorization[k] = sealed
		s.cfg.Masker.Add(v)
	}
	return nil
}

// Get returns the integration's view.
func (s *Service) Get(ctx context.Context, id string) (*View, error) {
	in, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, in), nil
}

// List returns every integration's view, ordered by id.
func (s *Service) List(ctx context.Context) ([]View, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(all))
	for i := range all {
		out = append(out, *s.view(ctx, &all[i]))
	}
	return out, nil
}

// UpdateSettings changes plain settings: keys with a value are set, keys
// with an empty value are removed (their default applies again). Values
// are checked against the connector's schema first.
func (s *Service) UpdateSettings(ctx context.Context, id string, patch map[string]string) (*View, error) {
	unlock := s.lock(id)
	defer unlock()
	in, sch, err := s.loadWithSchema(ctx, id)
	if err != nil {
		return nil, err
	}
	if problems := sch.check(patch, false); len(problems) > 0 {
		return nil, &ValidationError{problems}
	}
	merged := mergeValues(in.Settings, patch)
	if problems, err := s.hostProblems(ctx, in, sch, merged); err != nil || len(problems) > 0 {
		if err != nil {
			return nil, err
		}
		return nil, &ValidationError{problems}
	}
	in.Settings = merged
	return s.saveChanged(ctx, in, "integration settings changed", patch)
}

// SetAuthorization changes secret settings the same way. The values are
// sealed and never returned; the answer shows them as set.
func (s *Service) SetAuthorization(ctx context.Context, id string, patch map[string]string) (*View, error) {
	unlock := s.lock(id)
	defer unlock()
	in, sch, err := s.loadWithSchema(ctx, id)
	if err != nil {
		return nil, err
	}
	if problems := sch.check(patch, true); len(problems) > 0 {
		return nil, &ValidationError{problems}
	}
	if err := s.seal(in, patch); err != nil {
		return nil, err
	}
	return s.saveChanged(ctx, in, "integration authorization changed", patch)
}

// saveChanged saves a change of settings or authorization, tests the
// connection with it and saves the outcome, so the answer tells whether
// the change works (see decision 0221). An enabled integration whose test
// fails is disabled, and its observers told.
func (s *Service) saveChanged(ctx context.Context, in *Integration, what string, patch map[string]string) (*View, error) {
	in.Configured = s.now()
	if err := s.save(ctx, in); err != nil {
		return nil, err
	}
	s.log.Info(what, "integration", in.ID, "keys", sortedKeys(patch))
	disabled := s.retest(ctx, in)
	if err := s.save(ctx, in); err != nil {
		return nil, fmt.Errorf("the change was saved, but not the outcome of its connection test: %w", err)
	}
	if disabled {
		return s.view(ctx, in), s.notifyDisabled(ctx, in.ID)
	}
	return s.view(ctx, in), nil
}

// Delete removes a disabled integration. An enabled one is refused so that
// running automations are not cut off by surprise.
func (s *Service) Delete(ctx context.Context, id string) error {
	unlock := s.lock(id)
	defer unlock()
	in, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	if in.Enabled {
		return fmt.Errorf("integration %s is enabled; disable it before deleting it: %w", id, store.ErrConflict)
	}
	if err := s.cfg.Docs.Delete(ctx, Kind, id); err != nil {
		return fmt.Errorf("delete integration %s: %w", id, err)
	}
	s.stop(ctx, id)
	s.log.Info("integration deleted", "integration", id)
	return s.notifyDisabled(ctx, id)
}
