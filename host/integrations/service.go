package integrations

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/version"
	"github.com/idbridge/idbridge/marketplace/ext"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
)

// Config wires a Service. Docs, Box, Runner and Binaries are required.
type Config struct {
	// Docs persists the integration records.
	Docs store.Docs
	// Box seals and opens secret settings.
	Box *secrets.Box
	// Runner starts and stops plugins (SupervisorRunner in the host).
	Runner Runner
	// Binaries finds connectors (the extension manager in the host).
	Binaries Binaries
	// Masker learns every secret value as it is loaded or set; nil makes
	// a private one, which protects nothing else: pass the host's.
	Masker *secrets.Masker
	// Logger receives the service's logs, which never hold values of
	// secret settings; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service manages integrations. It is safe for concurrent use; changes to
// one integration are serialised.
type Service struct {
	cfg Config
	log hclog.Logger

	mu        sync.Mutex
	locks     map[string]*sync.Mutex
	observers []Observer
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.Docs == nil:
		return nil, errors.New("integrations: Config.Docs is required")
	case cfg.Box == nil:
		return nil, errors.New("integrations: Config.Box is required")
	case cfg.Runner == nil:
		return nil, errors.New("integrations: Config.Runner is required")
	case cfg.Binaries == nil:
		return nil, errors.New("integrations: Config.Binaries is required")
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
	return &Service{cfg: cfg, log: cfg.Logger.Named("integrations"), locks: map[string]*sync.Mutex{}}, nil
}

// Observe adds an observer of disabled integrations.
func (s *Service) Observe(o Observer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observers = append(s.observers, o)
}

// lock serialises changes to one integration and returns the unlock.
func (s *Service) lock(id string) func() {
	s.mu.Lock()
	l, ok := s.locks[id]
	if !ok {
		l = &sync.Mutex{}
		s.locks[id] = l
	}
	s.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// Start prepares the service at host start: it teaches the Masker every
// stored secret and starts the plugins of enabled integrations. A plugin
// that fails to start is logged and left to the supervisor; it does not
// stop the host.
func (s *Service) Start(ctx context.Context) error {
	all, err := s.all(ctx)
	if err != nil {
		return err
	}
	for _, in := range all {
		if _, err := s.secretValues(&in); err != nil {
			s.log.Error("cannot open the integration's authorization", "integration", in.ID, "error", err)
			continue
		}
		if !in.Enabled {
			continue
		}
		if _, err := s.start(ctx, &in); err != nil {
			s.log.Error("enabled integration's connector did not start", "integration", in.ID, "error", err)
		}
	}
	return nil
}

func (s *Service) all(ctx context.Context) ([]Integration, error) {
	var out []Integration
	err := s.cfg.Docs.List(ctx, Kind, func(id string, decode func(any) error) error {
		var in Integration
		if err := decode(&in); err != nil {
			return err
		}
		out = append(out, in)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	return out, nil
}

func (s *Service) load(ctx context.Context, id string) (*Integration, error) {
	var in Integration
	if err := s.cfg.Docs.Get(ctx, Kind, id, &in); err != nil {
		return nil, fmt.Errorf("integration %q: %w", id, unwrapNotFound(err))
	}
	return &in, nil
}

// unwrapNotFound keeps store.ErrNotFound while dropping the store's own
// wording, so messages name the integration once.
func unwrapNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return store.ErrNotFound
	}
	return err
}

func (s *Service) save(ctx context.Context, in *Integration) error {
	in.Updated = s.now()
	if err := s.cfg.Docs.Put(ctx, Kind, in.ID, in); err != nil {
		return fmt.Errorf("save integration %s: %w", in.ID, err)
	}
	return nil
}

// binding is the associated data that ties a sealed value to its
// integration and setting.
func binding(integrationID, key string) []byte {
	return secrets.Binding("integration", integrationID, key)
}

// secretValues opens the integration's authorization and registers every
// value with the Masker.
func (s *Service) secretValues(in *Integration) (map[string]string, error) {
	out := make(map[string]string, len(in.Authorization))
	for k, sealed := range in.Authorization {
		plain, err := s.cfg.Box.Open(sealed, binding(in.ID, k))
		if err != nil {
			return nil, fmt.Errorf("integration %s, setting %s: %w", in.ID, k, err)
		}
		out[k] = string(plain)
		s.cfg.Masker.Add(string(plain))
	}
	return out, nil
}

// values returns every setting in clear: defaults, plain settings, then
// secrets.
func (s *Service) values(in *Integration, sch schema) (map[string]string, error) {
	out := map[string]string{}
	for k, spec := range sch {
		if d := spec.GetDefaultValue(); d != "" {
			out[k] = d
		}
	}
	for k, v := range in.Settings {
		out[k] = v
	}
	sec, err := s.secretValues(in)
	if err != nil {
		return nil, err
	}
	for k, v := range sec {
		out[k] = v
	}
	return out, nil
}

// binary asks the extension manager for the integration's connector.
func (s *Service) binary(ctx context.Context, in *Integration) (Binary, error) {
	if l, ok := s.cfg.Binaries.(Launcher); ok {
		b, err := l.Launch(ctx, in.ExtensionID)
		if err != nil {
			return Binary{}, fmt.Errorf("integration %s: extension %s: %w", in.ID, in.ExtensionID, err)
		}
		b.Name = in.ExtensionID
		return b, nil
	}
	path, sum, err := s.cfg.Binaries.BinaryPath(ctx, in.ExtensionID)
	if err != nil {
		return Binary{}, fmt.Errorf("integration %s: extension %s: %w", in.ID, in.ExtensionID, err)
	}
	return Binary{Name: in.ExtensionID, Path: path, SHA256: sum}, nil
}

// start launches the integration's plugin under supervision.
func (s *Service) start(ctx context.Context, in *Integration) (connectorv1.ConnectorClient, error) {
	bin, err := s.binary(ctx, in)
	if err != nil {
		return nil, err
	}
	c, err := s.cfg.Runner.Start(ctx, in.ID, bin)
	if err != nil {
		return nil, fmt.Errorf("%w: start the connector of integration %s: %w", ErrConnectorUnavailable, in.ID, err)
	}
	return c, nil
}

func (s *Service) stop(ctx context.Context, id string) {
	if err := s.cfg.Runner.Stop(ctx, id); err != nil {
		s.log.Warn("stopping the connector failed", "integration", id, "error", err)
	}
}

// withClient runs fn against the integration's plugin. A disabled
// integration's plugin is started for the call and stopped afterwards.
func (s *Service) withClient(ctx context.Context, in *Integration, fn func(connectorv1.ConnectorClient) error) error {
	c, err := s.start(ctx, in)
	if err != nil {
		return err
	}
	if !in.Enabled {
		defer s.stop(context.WithoutCancel(ctx), in.ID)
	}
	return fn(c)
}

// describe runs Describe and caches the answer in the record (not saved).
func (s *Service) describe(ctx context.Context, in *Integration, c connectorv1.ConnectorClient) (*connectorv1.DescribeResponse, error) {
	d, err := c.Describe(ctx, &connectorv1.DescribeRequest{HostProtocolVersion: wire.ProtocolVersion, HostVersion: version.Version})
	if err != nil {
		return nil, fmt.Errorf("%w: describe the connector of integration %s: %w", ErrConnectorUnavailable, in.ID, err)
	}
	if ids, ok := s.cfg.Binaries.(Identities); ok {
		p, err := ids.Identity(ctx, in.ExtensionID)
		if err != nil {
			return nil, err
		}
		got := ext.Described{ID: d.GetInfo().GetId(), Version: d.GetInfo().GetVersion(), Protocol: int(d.GetProtocolVersion())}
		if err := ext.CheckIdentity(p.ID, p.Version, p.Protocols, got); err != nil {
			return nil, fmt.Errorf("integration %s, extension %s: %w; reinstall an extension whose binary matches it", in.ID, in.ExtensionID, err)
		}
	}
	raw, err := protojson.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("cache the description of integration %s: %w", in.ID, err)
	}
	in.Described = raw
	return d, nil
}

// loadWithSchema loads the integration and the setting declarations of
// its connector, which every read or change of its settings checks against.
func (s *Service) loadWithSchema(ctx context.Context, id string) (*Integration, schema, error) {
	in, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	sch, err := s.schemaOf(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	return in, sch, nil
}

// schemaOf returns the settings schema, describing the connector when no
// description is cached yet.
func (s *Service) schemaOf(ctx context.Context, in *Integration) (schema, error) {
	d, err := in.describe()
	if err != nil {
		return nil, fmt.Errorf("integration %s: cached description: %w", in.ID, err)
	}
	if d == nil {
		err := s.withClient(ctx, in, func(c connectorv1.ConnectorClient) error {
			d, err = s.describe(ctx, in, c)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnknownSchema, err)
		}
	}
	return newSchema(d), nil
}

// view renders what the API may show.
func (s *Service) view(ctx context.Context, in *Integration) *View {
	v := &View{ID: in.ID, ExtensionID: in.ExtensionID, Name: in.Name, Enabled: in.Enabled,
		Settings: map[string]string{}, Authorization: map[string]SecretState{}, Missing: []string{},
		LastTest: in.LastTest, Created: in.Created, Updated: in.Updated}
	for k, val := range in.Settings {
		v.Settings[k] = val
	}
	for k, sealed := range in.Authorization {
		if sealed != "" {
			v.Authorization[k] = SecretState{Set: true, Value: secrets.Mask}
		}
	}
	if d, err := in.describe(); err == nil && d != nil {
		sch := newSchema(d)
		for _, k := range sch.keys(true) {
			if _, ok := v.Authorization[k]; !ok {
				v.Authorization[k] = SecretState{}
			}
		}
		v.Missing = sch.missing(in.Settings, in.Authorization)
		v.Connector = &ConnectorInfo{ID: d.GetInfo().GetId(), Name: d.GetInfo().GetName(),
			Version: d.GetInfo().GetVersion(), Protocol: d.GetProtocolVersion()}
	}
	_, _, extErr := s.cfg.Binaries.BinaryPath(ctx, in.ExtensionID)
	v.Status, v.StatusMessage = status(in, v.Missing, extErr)
	return v
}
