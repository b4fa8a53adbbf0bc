package outbound

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// DocKind is the store kind of custom webhooks; ids are
// "<integration>/<webhook id>".
const DocKind = "outbound.webhook"

// Schema tells whether the directory knows an attribute, so %ad.x% is
// checked at save time. *directory.Client satisfies it.
type Schema interface {
	AttributeExists(ctx context.Context, name string) (bool, error)
}

// Config wires a Service.
type Config struct {
	// Docs persists custom webhooks.
	Docs store.Docs
	// Integrations gives connectors and settings.
	Integrations Integrations
	// Schema checks AD attribute names; nil accepts any attribute (the
	// save-time check for %ad.x% is then lost, so production wires it).
	Schema Schema
	// Objects finds the AD objects a test runs for.
	Objects Objects
	// Masker hides secrets in test results; nil means a new, empty one.
	Masker *secrets.Masker
	// Logger logs; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// DescribeTTL is how long a connector's Describe answer is reused;
	// zero means one minute.
	DescribeTTL time.Duration
}

// Service lists, checks, saves, tests and invokes outbound webhooks.
type Service struct {
	cfg Config

	mu       sync.Mutex
	describe map[string]describeEntry
}

type describeEntry struct {
	resp *connectorv1.DescribeResponse
	at   time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Masker == nil {
		cfg.Masker = secrets.NewMasker()
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DescribeTTL == 0 {
		cfg.DescribeTTL = time.Minute
	}
	return &Service{cfg: cfg, describe: map[string]describeEntry{}}
}

// Masker is the masker test results and run records go through.
func (s *Service) Masker() *secrets.Masker { return s.cfg.Masker }

// Describe returns the integration's Describe answer, cached for
// DescribeTTL so that executing a run does not ask the plugin per action.
func (s *Service) Describe(ctx context.Context, integration string) (*connectorv1.DescribeResponse, error) {
	s.mu.Lock()
	e, ok := s.describe[integration]
	s.mu.Unlock()
	if ok && s.cfg.Now().Sub(e.at) < s.cfg.DescribeTTL {
		return e.resp, nil
	}
	c, err := s.cfg.Integrations.Connector(ctx, integration)
	if err != nil {
		return nil, err
	}
	d, err := c.Describe(ctx)
	if err != nil {
		return nil, fmt.Errorf("describe integration %s: %w", integration, err)
	}
	s.mu.Lock()
	s.describe[integration] = describeEntry{resp: d, at: s.cfg.Now()}
	s.mu.Unlock()
	return d, nil
}

func docID(integration, id string) string { return integration + "/" + id }

// List returns the integration's preconfigured webhooks followed by its
// custom ones, each group sorted by id.
func (s *Service) List(ctx context.Context, integration string) ([]Webhook, error) {
	d, err := s.Describe(ctx, integration)
	if err != nil {
		return nil, err
	}
	var out []Webhook
	for _, spec := range d.GetWebhooks() {
		out = append(out, FromSpec(integration, spec))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	custom, err := s.custom(ctx, integration)
	if err != nil {
		return nil, err
	}
	return append(out, custom...), nil
}

func (s *Service) custom(ctx context.Context, integration string) ([]Webhook, error) {
	var out []Webhook
	err := s.cfg.Docs.List(ctx, DocKind, func(id string, decode func(any) error) error {
		var w Webhook
		if err := decode(&w); err != nil {
			return fmt.Errorf("read webhook %s: %w", id, err)
		}
		if w.Integration == integration {
			out = append(out, w)
		}
		return nil
	})
	return out, err
}

// Get returns one webhook: the connector's when it declares the id, else the
// custom one, else ErrNotFound.
func (s *Service) Get(ctx context.Context, integration, id string) (Webhook, error) {
	d, err := s.Describe(ctx, integration)
	if err != nil {
		return Webhook{}, err
	}
	for _, spec := range d.GetWebhooks() {
		if spec.GetId() == id {
			return FromSpec(integration, spec), nil
		}
	}
	var w Webhook
	if err := s.cfg.Docs.Get(ctx, DocKind, docID(integration, id), &w); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Webhook{}, fmt.Errorf("webhook %s of integration %s: %w", id, integration, ErrNotFound)
		}
		return Webhook{}, err
	}
	return w, nil
}

// Scope is the macro scope of a webhook or step input of the integration:
// AD attributes (checked against the directory schema), the object, the
// integration's plain settings, and the given earlier steps' outputs.
func (s *Service) Scope(ctx context.Context, integration string, steps ...macro.Step) (macro.Scope, error) {
	settings, err := s.cfg.Integrations.PlainSettings(ctx, integration)
	if err != nil {
		return macro.Scope{}, err
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ad := s.ADNamespace(ctx)
	return macro.NewScope(ad, macro.Previous(ad), macro.Object(), macro.Integration(keys...), macro.Steps(steps...)), nil
}

// commonAttributes are offered in the macro chooser; any other attribute the
// schema knows is accepted too.
var commonAttributes = []string{
	"mail", "givenName", "sn", "displayName", "cn", "sAMAccountName", "userPrincipalName",
	"department", "title", "company", "manager", "employeeID", "employeeNumber",
	"telephoneNumber", "mobile", "physicalDeliveryOfficeName", "memberOf", "uid",
}

// ADNamespace declares the AD attributes: the common ones for the chooser,
// and any attribute the directory schema knows.
func (s *Service) ADNamespace(ctx context.Context) macro.Namespace {
	ns := macro.AD(commonAttributes...).WithMulti("memberOf")
	if s.cfg.Schema == nil {
		ns.Open = true
		return ns
	}
	schema := s.cfg.Schema
	ctx = context.WithoutCancel(ctx)
	ns.Has = func(name string) bool {
		ok, err := schema.AttributeExists(ctx, name)
		return err == nil && ok
	}
	return ns
}

// Save checks and stores a custom webhook. Its templates are compiled
// against the integration's scope with no earlier steps: a custom webhook
// that needs a step's output takes it as a bare input.
func (s *Service) Save(ctx context.Context, w Webhook) (Webhook, error) {
	w.Preconfigured = false
	if err := w.validate(); err != nil {
		return Webhook{}, err
	}
	d, err := s.Describe(ctx, w.Integration)
	if err != nil {
		return Webhook{}, err
	}
	for _, spec := range d.GetWebhooks() {
		if spec.GetId() == w.ID {
			return Webhook{}, fmt.Errorf("webhook %s: %w", w.ID, ErrPreconfigured)
		}
	}
	scope, err := s.Scope(ctx, w.Integration)
	if err != nil {
		return Webhook{}, err
	}
	if _, err := Compile(w, scope); err != nil {
		return Webhook{}, err
	}
	w.Updated = s.cfg.Now().UTC()
	if err := s.cfg.Docs.Put(ctx, DocKind, docID(w.Integration, w.ID), w); err != nil {
		return Webhook{}, fmt.Errorf("save webhook %s: %w", w.ID, err)
	}
	return w, nil
}

// Delete removes a custom webhook.
func (s *Service) Delete(ctx context.Context, integration, id string) error {
	w, err := s.Get(ctx, integration, id)
	if err != nil {
		return err
	}
	if w.Preconfigured {
		return fmt.Errorf("webhook %s: %w", id, ErrPreconfigured)
	}
	return s.cfg.Docs.Delete(ctx, DocKind, docID(integration, id))
}

// Compile fetches a webhook and compiles it against scope.
func (s *Service) Compile(ctx context.Context, integration, id string, scope macro.Scope) (*Compiled, error) {
	w, err := s.Get(ctx, integration, id)
	if err != nil {
		return nil, err
	}
	return Compile(w, scope)
}

// Invoke sends a rendered call through the integration's connector.
func (s *Service) Invoke(ctx context.Context, integration string, req *connectorv1.InvokeRequest) (*connectorv1.InvokeResponse, error) {
	c, err := s.cfg.Integrations.Connector(ctx, integration)
	if err != nil {
		return nil, err
	}
	return c.Invoke(ctx, req)
}

// Values returns the integration's plain settings as macro values.
func (s *Service) Values(ctx context.Context, integration string) (map[string][]string, error) {
	settings, err := s.cfg.Integrations.PlainSettings(ctx, integration)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(settings))
	for k, v := range settings {
		out[k] = []string{v}
	}
	return out, nil
}

// OutputValues converts a call's outputs to macro values: strings as they
// are, numbers and booleans in their JSON spelling, lists as several
// values. Nested objects are skipped: an output path should select a
// scalar.
func OutputValues(resp *connectorv1.InvokeResponse) map[string][]string {
	out := map[string][]string{}
	for k, v := range resp.GetOutputs().AsMap() {
		if vals := scalarStrings(v); len(vals) > 0 {
			out[k] = vals
		}
	}
	return out
}

func scalarStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case bool:
		return []string{strconv.FormatBool(x)}
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, scalarStrings(e)...)
		}
		return out
	}
	return nil
}
