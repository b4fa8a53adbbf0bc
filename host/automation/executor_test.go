package automation_test

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/macro/condition"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/templates"
	"github.com/idbridge/idbridge/plugins/clockify"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// executor runs the shipped templates step by step through a connector,
// in the test, as the orchestration engine does in the host: inputs are
// rendered from macros, conditions are CEL, outputs feed later steps.
// It stands in for the engine's Runner so that these tests exercise the
// automation service, the templates, the real connector process and the
// sandbox together.
type executor struct {
	conn     connectorv1.ConnectorClient
	settings map[string]string
	hooks    map[string]*connectorv1.WebhookSpec // preconfigured, from Describe
	tmpl     map[string]templates.Template

	n      atomic.Int64
	mu     sync.Mutex
	failed []string       // "template object: error"
	ran    map[string]int // finished runs by automation id
	moved  chan struct{}  // closed and replaced when a run finishes
}

func newExecutor(ctx context.Context, conn connectorv1.ConnectorClient, settings map[string]string) (*executor, error) {
	d, err := conn.Describe(ctx, &connectorv1.DescribeRequest{})
	if err != nil {
		return nil, err
	}
	all, err := clockifyTemplates()
	if err != nil {
		return nil, err
	}
	// The host applies the defaults of settings left unset; so does this
	// stand-in, or a template would read a table the admin never emptied
	// as empty.
	settings = maps.Clone(settings)
	if settings == nil {
		settings = map[string]string{}
	}
	for _, s := range d.GetSettings() {
		if _, set := settings[s.GetKey()]; !set && s.GetDefaultValue() != "" {
			settings[s.GetKey()] = s.GetDefaultValue()
		}
	}
	e := &executor{conn: conn, settings: settings, hooks: map[string]*connectorv1.WebhookSpec{}, tmpl: map[string]templates.Template{},
		ran: map[string]int{}, moved: make(chan struct{})}
	for _, w := range d.GetWebhooks() {
		e.hooks[w.GetId()] = w
	}
	for _, t := range all {
		if err := automation.CheckTemplate(t, d.GetWebhooks(), templateSettings); err != nil {
			return nil, err
		}
		e.tmpl[t.ID] = t
	}
	return e, nil
}

// Template implements automation.Templates over the shipped templates.
func (e *executor) Template(_ context.Context, id string) (automation.TemplateInfo, error) {
	t, ok := e.tmpl[id]
	if !ok {
		return automation.TemplateInfo{}, fmt.Errorf("template %s: %w", id, store.ErrNotFound)
	}
	info := automation.TemplateInfo{ID: t.ID, Name: t.Name, Integrations: []string{"clockify"}}
	for _, s := range t.Steps {
		if macro.ReadsGroups(s.Condition) {
			info.NeedsGroups = true
		}
	}
	return info, nil
}

// StartRun implements automation.Runner; it runs to the end before it
// returns. A started run does not end with its caller's context: the
// engine makes a run durable and its workers carry it on after StartRun
// returned, so a schedule loop that stops does not cut a run in half.
func (e *executor) StartRun(ctx context.Context, req automation.RunRequest) (string, error) {
	t, ok := e.tmpl[req.Template]
	if !ok {
		return "", fmt.Errorf("template %s: %w", req.Template, store.ErrNotFound)
	}
	ctx = context.WithoutCancel(ctx)
	for _, o := range req.Objects {
		if err := e.runObject(ctx, t, o); err != nil {
			e.mu.Lock()
			e.failed = append(e.failed, fmt.Sprintf("%s %s: %v", t.ID, o.DN, err))
			e.mu.Unlock()
		}
	}
	e.mu.Lock()
	e.ran[req.Automation]++
	close(e.moved)
	e.moved = make(chan struct{})
	e.mu.Unlock()
	return fmt.Sprintf("run-%d", e.n.Add(1)), nil
}

// waitRuns waits until n runs of the automation have finished. The
// deadline is only a safety net against a hang; the wait ends on the run.
func (e *executor) waitRuns(t testing.TB, automationID string, n int) {
	t.Helper()
	safety := time.NewTimer(2 * time.Minute)
	defer safety.Stop()
	for {
		e.mu.Lock()
		got, moved := e.ran[automationID], e.moved
		e.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-moved:
		case <-safety.C:
			t.Fatalf("%d of %d runs of automation %s finished in 2 minutes", got, n, automationID)
		}
	}
}

func (e *executor) failures() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.failed
	e.failed = nil
	return out
}

func (e *executor) runObject(ctx context.Context, t templates.Template, o automation.Object) error {
	integration := map[string][]string{}
	for k, v := range e.settings {
		if k != "apiKey" {
			integration[k] = []string{v}
		}
	}
	data := macro.Data{
		macro.NamespaceAD:          o.Attributes,
		macro.NamespacePrevious:    o.Previous,
		macro.NamespaceIntegration: integration,
		macro.NamespaceObject:      {"dn": {o.DN}, "id": {o.ID}, "kind": {"user"}, macro.GroupsField: o.Groups},
		macro.NamespaceSteps:       {},
	}
	var all []macro.Step
	for _, s := range t.Steps {
		spec := e.spec(t, s)
		var outs []string
		for _, o := range spec.GetOutputs() {
			outs = append(outs, o.GetName())
		}
		all = append(all, macro.Step{ID: s.ID, Outputs: outs})
	}
	scope := automation.TemplateScope(templateSettings, all)
	env := macro.Env{Values: data, Object: o.DN, Now: time.Now()}
	i := 0
	for i < len(t.Steps) {
		s := t.Steps[i]
		ok, err := e.step(ctx, t, s, scope, env, data)
		next := s.OnSuccess
		if !ok {
			next = s.OnFailure
			if next == "" && s.Kind == templates.StepWebhook {
				return fmt.Errorf("step %s: %v", s.ID, err)
			}
			if next == "" {
				next = templates.End
			}
		}
		switch next {
		case templates.End:
			return nil
		case templates.Next:
			i++
		default:
			_, j, _ := t.Step(next)
			i = j
		}
	}
	return nil
}

func (e *executor) spec(t templates.Template, s templates.Step) *connectorv1.WebhookSpec {
	if w, ok := t.Webhook(s.Webhook); ok {
		return w.Spec()
	}
	return e.hooks[s.Webhook]
}

// step runs one step and says whether it succeeded (a condition: whether
// it held).
func (e *executor) step(ctx context.Context, t templates.Template, s templates.Step, scope macro.Scope, env macro.Env, data macro.Data) (bool, error) {
	switch s.Kind {
	case templates.StepCondition:
		c, err := condition.Compile(s.Condition, scope)
		if err != nil {
			return false, err
		}
		return c.Eval(ctx, data, env.Object)
	case templates.StepDelay:
		d, _ := time.ParseDuration(s.Delay)
		time.Sleep(d)
		return true, nil
	}
	vars := map[string]string{}
	for name, src := range s.Inputs {
		m, err := macro.Check(src, scope)
		if err != nil {
			return false, err
		}
		v, err := m.Value(env)
		if err != nil {
			return false, err
		}
		vars[name] = v
	}
	spec := e.spec(t, s)
	call, outs, missing := connectortest.Render(spec, vars)
	if len(missing) > 0 {
		return false, fmt.Errorf("inputs %v missing", missing)
	}
	req := &connectorv1.InvokeRequest{Settings: e.settings, Call: call, Outputs: outs}
	if _, custom := t.Webhook(s.Webhook); !custom {
		req.WebhookId = s.Webhook
	}
	resp, err := e.conn.Invoke(ctx, req)
	if err != nil {
		return false, err
	}
	for k, v := range outbound.OutputValues(resp) {
		data[macro.NamespaceSteps][s.ID+"."+k] = v
	}
	return true, nil
}

// templateSettings are the Clockify settings templates may read.
var templateSettings = []string{clockify.SettingWorkspaceID, clockify.SettingBaseURL,
	clockify.SettingRoleTable}
