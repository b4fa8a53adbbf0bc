// Package outboundtest runs the real Clockify connector against its sandbox
// for the tests of outbound webhooks and orchestration: it builds the
// connector binary, supervises it with the host's plugin supervisor and
// exposes it as outbound.Integrations, without the integrations service's
// extension and key management.
package outboundtest

import (
	"context"
	"fmt"
	"maps"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// BuildClockify builds the Clockify connector into dir and returns the
// binary's path.
func BuildClockify(ctx context.Context, dir string) (string, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module root: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	bin := filepath.Join(dir, "idbridge-clockify")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./plugins/clockify/cmd/idbridge-clockify")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the clockify connector: %w\n%s", err, out)
	}
	return bin, nil
}

// Integrations serves integrations from plugin handles and fixed settings.
// It implements outbound.Integrations.
type Integrations struct {
	mu  sync.Mutex
	by  map[string]*Integration
	Sup *pluginhost.Supervisor
}

// Integration is one integration: its running plugin and its settings.
type Integration struct {
	Handle   *pluginhost.Handle
	Settings map[string]string
	// Secret names the settings never rendered into templates.
	Secret []string

	mu       sync.Mutex
	defaults map[string]string // the connector's declared defaults, once described
}

// defaultSettings asks the connector once for its settings' defaults, so
// that a connector stopped on purpose by a test does not fail every read
// of the settings afterwards.
func (in *Integration) defaultSettings(ctx context.Context) (map[string]string, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.defaults != nil {
		return in.defaults, nil
	}
	d, err := in.Handle.Describe(ctx, &connectorv1.DescribeRequest{})
	if err != nil {
		return nil, err
	}
	in.defaults = map[string]string{}
	for _, spec := range d.GetSettings() {
		if v := spec.GetDefaultValue(); v != "" {
			in.defaults[spec.GetKey()] = v
		}
	}
	return in.defaults, nil
}

// NewIntegrations returns an empty set backed by a new supervisor.
func NewIntegrations(cfg pluginhost.Config) *Integrations {
	return &Integrations{by: map[string]*Integration{}, Sup: pluginhost.NewSupervisor(cfg)}
}

// AddPlugin supervises the connector binary at path as integration id.
func (s *Integrations) AddPlugin(id, path string, settings map[string]string, secret ...string) (*Integration, error) {
	sum, err := pluginhost.FileSHA256(path)
	if err != nil {
		return nil, err
	}
	h, err := s.Sup.Add(id, pluginhost.Plugin{Name: id, Path: path, SHA256: sum})
	if err != nil {
		return nil, err
	}
	in := &Integration{Handle: h, Settings: maps.Clone(settings), Secret: secret}
	s.mu.Lock()
	s.by[id] = in
	s.mu.Unlock()
	return in, nil
}

// Close stops every plugin.
func (s *Integrations) Close(ctx context.Context) error { return s.Sup.Shutdown(ctx) }

func (s *Integrations) get(id string) (*Integration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.by[id]
	if !ok {
		return nil, fmt.Errorf("integration %s is not configured", id)
	}
	return in, nil
}

// Connector implements outbound.Integrations.
func (s *Integrations) Connector(_ context.Context, id string) (outbound.Connector, error) {
	in, err := s.get(id)
	if err != nil {
		return nil, err
	}
	return conn{in}, nil
}

// PlainSettings implements outbound.Integrations.
// As the integrations service does, the connector's declared defaults
// stand in for settings not given.
func (s *Integrations) PlainSettings(ctx context.Context, id string) (map[string]string, error) {
	in, err := s.get(id)
	if err != nil {
		return nil, err
	}
	defaults, err := in.defaultSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("integration %s: describe: %w", id, err)
	}
	out := maps.Clone(defaults)
	maps.Copy(out, in.Settings)
	for _, k := range in.Secret {
		delete(out, k)
	}
	return out, nil
}

type conn struct{ in *Integration }

func (c conn) Describe(ctx context.Context) (*connectorv1.DescribeResponse, error) {
	return c.in.Handle.Describe(ctx, &connectorv1.DescribeRequest{})
}

func (c conn) Invoke(ctx context.Context, req *connectorv1.InvokeRequest) (*connectorv1.InvokeResponse, error) {
	r := &connectorv1.InvokeRequest{Settings: maps.Clone(c.in.Settings), WebhookId: req.GetWebhookId(), Call: req.GetCall(),
		Outputs: req.GetOutputs(), SuccessStatuses: req.GetSuccessStatuses(), IdempotencyKey: req.GetIdempotencyKey(),
		MaxBodyBytes: req.GetMaxBodyBytes()}
	return c.in.Handle.Invoke(ctx, r)
}
