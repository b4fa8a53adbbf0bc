package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/internal/resourceid"
	"github.com/idbridge/idbridge/host/store"
)

// Document kinds this package owns.
const (
	kindAutomation = "automation"
	// kindMember records that a user is in an automation's scope, with
	// the attributes last seen, keyed "<automation>/<object id>".
	kindMember = "automation.member"
	// kindHeld is a run held while an integration is disabled.
	kindHeld = "automation.held"
)

// DefaultHeldRetry is how often held runs are retried when the
// integrations service cannot tell the service that one was enabled.
const DefaultHeldRetry = 5 * time.Second

// DefaultBatchSize is how many objects one scheduled or apply-now run
// carries, so a run over a big scope stays a manageable record.
const DefaultBatchSize = 500

// Config wires a Service. Docs, Directory, Runner and Templates are
// required.
type Config struct {
	// Docs persists automations, scope members and held runs.
	Docs store.Docs
	// Directory answers scope questions.
	Directory Directory
	// Runner starts runs (the orchestration engine).
	Runner Runner
	// Templates tells which templates exist and which integrations they
	// use.
	Templates Templates
	// Syncs tells which data sources exist; nil refuses sync actions.
	Syncs Syncs
	// Integrations says whether an integration is enabled; nil treats all
	// as enabled except those reported through OnDisabled.
	Integrations Integrations
	// Logger receives the service's logs; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HeldRetry is how often held runs are retried; zero means
	// DefaultHeldRetry.
	HeldRetry time.Duration
	// BatchSize caps the objects of one run; zero means DefaultBatchSize.
	BatchSize int
	// Location is the time zone of cron schedules; nil means UTC.
	Location *time.Location
}

// Service stores automations and starts their runs. It is safe for
// concurrent use.
type Service struct {
	cfg Config
	log hclog.Logger

	mu     sync.Mutex
	cache  map[string]Automation // nil until loaded
	paused map[string]bool       // integrations reported disabled
	wake   chan struct{}         // schedules or held runs changed

	dispatch sync.Mutex // serialises scope membership updates
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.Docs == nil:
		return nil, errors.New("automation: Config.Docs is required")
	case cfg.Directory == nil:
		return nil, errors.New("automation: Config.Directory is required")
	case cfg.Runner == nil:
		return nil, errors.New("automation: Config.Runner is required (the orchestration engine)")
	case cfg.Templates == nil:
		return nil, errors.New("automation: Config.Templates is required (the template catalog)")
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HeldRetry <= 0 {
		cfg.HeldRetry = DefaultHeldRetry
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &Service{cfg: cfg, log: cfg.Logger.Named("automation"), paused: map[string]bool{}, wake: make(chan struct{}, 1)}, nil
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// poke wakes the scheduler loop after a change.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// all returns every automation, ordered by id, from the cache.
func (s *Service) all(ctx context.Context) ([]Automation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil {
		cache := map[string]Automation{}
		err := s.cfg.Docs.List(ctx, kindAutomation, func(id string, decode func(any) error) error {
			var a Automation
			if err := decode(&a); err != nil {
				return fmt.Errorf("read automation %s: %w", id, err)
			}
			cache[id] = a
			return nil
		})
		if err != nil {
			return nil, err
		}
		s.cache = cache
	}
	out := make([]Automation, 0, len(s.cache))
	for _, a := range s.cache {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Automation) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// List returns every automation, ordered by id.
func (s *Service) List(ctx context.Context) ([]Automation, error) { return s.all(ctx) }

// Get returns one automation, or an error wrapping ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (*Automation, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.ID == id {
			return &a, nil
		}
	}
	return nil, fmt.Errorf("automation %q: %w", id, ErrNotFound)
}

func (s *Service) put(ctx context.Context, a Automation) error {
	if err := s.cfg.Docs.Put(ctx, kindAutomation, a.ID, a); err != nil {
		return fmt.Errorf("save automation %s: %w", a.ID, err)
	}
	s.mu.Lock()
	if s.cache != nil {
		s.cache[a.ID] = a
	}
	s.mu.Unlock()
	s.poke()
	return nil
}

// Create validates and saves a new automation. Its id is made from the
// name; an event automation that is enabled learns who is in its scope
// now, so that only later arrivals count as entering it.
func (s *Service) Create(ctx context.Context, a Automation) (*Automation, error) {
	if err := s.validate(ctx, &a); err != nil {
		return nil, err
	}
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	a.ID = uniqueID(automationSlug(a.Name), all)
	a.Created, a.Updated = s.now(), s.now()
	if a.Enabled {
		if err := s.baseline(ctx, a); err != nil {
			return nil, err
		}
	}
	if err := s.put(ctx, a); err != nil {
		return nil, err
	}
	s.log.Info("automation created", "automation", a.ID, "trigger", a.Trigger.Type, "enabled", a.Enabled)
	return &a, nil
}

// Update replaces an automation's configuration with a's (its id and
// creation time are kept). A changed scope is learnt again.
func (s *Service) Update(ctx context.Context, id string, a Automation) (*Automation, error) {
	old, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, &a); err != nil {
		return nil, err
	}
	a.ID, a.Created, a.Updated = old.ID, old.Created, s.now()
	if a.Enabled && (!old.Enabled || !a.Scope.sameUsers(old.Scope)) {
		if err := s.baseline(ctx, a); err != nil {
			return nil, err
		}
	}
	if err := s.put(ctx, a); err != nil {
		return nil, err
	}
	s.log.Info("automation updated", "automation", a.ID)
	return &a, nil
}

// SetEnabled turns an automation on or off. Turning an event automation
// on learns its scope afresh: changes made while it was off are not
// replayed.
func (s *Service) SetEnabled(ctx context.Context, id string, enabled bool) (*Automation, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Enabled == enabled {
		return a, nil
	}
	if enabled {
		if err := s.baseline(ctx, *a); err != nil {
			return nil, err
		}
	}
	a.Enabled, a.Updated = enabled, s.now()
	if err := s.put(ctx, *a); err != nil {
		return nil, err
	}
	s.log.Info("automation switched", "automation", id, "enabled", enabled)
	return a, nil
}

// Delete removes an automation, its scope record and its held runs.
func (s *Service) Delete(ctx context.Context, id string) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	if err := s.cfg.Docs.Delete(ctx, kindAutomation, id); err != nil {
		return fmt.Errorf("delete automation %s: %w", id, err)
	}
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
	s.poke()
	if err := s.forgetMembers(ctx, id); err != nil {
		return err
	}
	return s.dropHeld(ctx, id)
}

// automationSlug is the id an automation's name gives: at most 48
// characters, leaving room for uniqueID's suffix, and "automation" for a
// name without letters or digits.
func automationSlug(name string) string {
	if id := resourceid.FromName(name, 48); id != "" {
		return id
	}
	return "automation"
}

func uniqueID(base string, all []Automation) string {
	taken := func(id string) bool {
		return slices.ContainsFunc(all, func(a Automation) bool { return a.ID == id })
	}
	id := base
	for n := 2; taken(id); n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}
