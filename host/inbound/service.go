package inbound

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
)

// Kind is the document kind saved endpoints are stored under: custom
// definitions, and the fields of tested preconfigured endpoints.
const Kind = "inbound-endpoint"

// Integrations is what the service needs of the integrations service;
// *integrations.Service implements it.
type Integrations interface {
	// Connector returns an enabled integration's running connector.
	Connector(ctx context.Context, id string) (*integrations.Connector, error)
	// Settings returns every setting in clear, for macro rendering.
	Settings(ctx context.Context, id string) (map[string]string, error)
	// Schema says which settings exist and which are secret.
	Schema(ctx context.Context, id string) ([]integrations.SettingInfo, error)
}

// Config wires a Service. Docs and Integrations are required.
type Config struct {
	// Docs stores custom endpoints, tested fields and the marks of passed
	// tests.
	Docs store.Docs
	// Integrations gives connectors and settings.
	Integrations Integrations
	// Masker masks secrets in exchanges and errors; pass the host's.
	Masker *secrets.Masker
	// Logger receives the service's logs; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service lists, tests, saves and runs inbound endpoints. It keeps no
// state of its own: endpoints and the marks of passed tests are in the
// store, so several services over one store agree and a restart loses
// nothing. It is safe for concurrent use.
type Service struct {
	cfg Config
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Docs == nil || cfg.Integrations == nil {
		return nil, errors.New("inbound: Docs and Integrations are required")
	}
	if cfg.Masker == nil {
		cfg.Masker = secrets.NewMasker()
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}, nil
}

func docID(integrationID, endpointID string) string { return integrationID + "/" + endpointID }

// List returns the integration's preconfigured endpoints (from its
// connector) followed by its custom ones, each with its known fields.
func (s *Service) List(ctx context.Context, integrationID string) ([]Endpoint, error) {
	saved, err := s.saved(ctx, integrationID)
	if err != nil {
		return nil, err
	}
	pre, err := s.preconfigured(ctx, integrationID)
	if err != nil {
		return nil, err
	}
	out := make([]Endpoint, 0, len(pre)+len(saved))
	for _, e := range pre {
		if t, ok := saved[e.ID]; ok && !t.Custom {
			e.Fields, e.FieldsFrom, e.Tested, e.Digest = t.Fields, "test", t.Tested, t.Digest
		}
		out = append(out, e)
	}
	var custom []Endpoint
	for _, e := range saved {
		if e.Custom {
			custom = append(custom, e)
		}
	}
	sort.Slice(custom, func(i, j int) bool { return custom[i].ID < custom[j].ID })
	return append(out, custom...), nil
}

// Get returns one endpoint, preconfigured or custom.
func (s *Service) Get(ctx context.Context, integrationID, endpointID string) (*Endpoint, error) {
	var e Endpoint
	err := s.cfg.Docs.Get(ctx, Kind, docID(integrationID, endpointID), &e)
	if err == nil && e.Custom {
		return &e, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	tested, haveTest := e, err == nil
	pre, err := s.preconfigured(ctx, integrationID)
	if err != nil {
		return nil, err
	}
	for _, p := range pre {
		if p.ID == endpointID {
			if haveTest {
				p.Fields, p.FieldsFrom, p.Tested, p.Digest = tested.Fields, "test", tested.Tested, tested.Digest
			}
			return &p, nil
		}
	}
	return nil, fmt.Errorf("%w: %q in integration %q", ErrUnknownEndpoint, endpointID, integrationID)
}

// Fields returns the field paths of an endpoint: those found by its last
// test and save, or else those its connector declares. Data sources are
// validated against them.
func (s *Service) Fields(ctx context.Context, integrationID, endpointID string) ([]string, error) {
	var e Endpoint
	switch err := s.cfg.Docs.Get(ctx, Kind, docID(integrationID, endpointID), &e); {
	case err == nil:
		return fieldPaths(e), nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	p, err := s.Get(ctx, integrationID, endpointID)
	if err != nil {
		return nil, err
	}
	return fieldPaths(*p), nil
}

func fieldPaths(e Endpoint) []string {
	out := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		out = append(out, f.Path)
	}
	return out
}

// Remove deletes a custom endpoint. Data sources that use it fail
// validation at their next save and their next run says why.
func (s *Service) Remove(ctx context.Context, integrationID, endpointID string) error {
	e, err := s.Get(ctx, integrationID, endpointID)
	if err != nil {
		return err
	}
	if !e.Custom {
		return ErrPreconfigured
	}
	if err := s.cfg.Docs.Delete(ctx, Kind, docID(integrationID, endpointID)); err != nil {
		return err
	}
	s.cfg.Logger.Info("removed custom inbound endpoint", "integration", integrationID, "endpoint", endpointID)
	return nil
}

// saved returns the integration's stored endpoints by id.
func (s *Service) saved(ctx context.Context, integrationID string) (map[string]Endpoint, error) {
	out := map[string]Endpoint{}
	err := s.cfg.Docs.List(ctx, Kind, func(id string, decode func(any) error) error {
		var e Endpoint
		if err := decode(&e); err != nil {
			return fmt.Errorf("read inbound endpoint %s: %w", id, err)
		}
		if e.IntegrationID == integrationID {
			out[e.ID] = e
		}
		return nil
	})
	return out, err
}

// preconfigured asks the running connector for its endpoints.
func (s *Service) preconfigured(ctx context.Context, integrationID string) ([]Endpoint, error) {
	conn, err := s.cfg.Integrations.Connector(ctx, integrationID)
	if err != nil {
		return nil, err
	}
	d, err := conn.Describe(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: describe: %w", integrations.ErrConnectorUnavailable, err)
	}
	out := make([]Endpoint, 0, len(d.GetEndpoints()))
	for _, spec := range d.GetEndpoints() {
		out = append(out, preconfigured(integrationID, spec))
	}
	return out, nil
}
