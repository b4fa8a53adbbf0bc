package orchestration

import (
	"context"
	"fmt"
	"sort"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/macro/condition"
	"github.com/idbridge/idbridge/host/outbound"
)

// NamespaceLookup holds a verification lookup's outputs in its Exists
// condition (lookup.userId).
const NamespaceLookup = "lookup"

// compiled is a template checked against the integrations and the directory
// and ready to run: every template parsed, every condition compiled.
type compiled struct {
	t     *Template
	idx   map[string]int
	steps []*compiledStep
}

type compiledStep struct {
	Step
	hook       *outbound.Compiled
	bind       *outbound.Binding
	verifyHook *outbound.Compiled
	verifyBind *outbound.Binding
	exists     *condition.Condition
	cond       *condition.Condition
	adAttrs    map[string]*macro.Template
	adTarget   *macro.Template
	// readsRunData marks a condition the deactivation guard cannot decide
	// before the run: it reads what earlier steps produce.
	readsRunData bool
	// settingsOf is the integration whose settings a condition reads as
	// integration.*, or "" when the template calls no single integration.
	settingsOf string
}

// step returns the compiled step with id, or nil.
func (c *compiled) step(id string) *compiledStep {
	if i, ok := c.idx[id]; ok {
		return c.steps[i]
	}
	return nil
}

// next returns the step after step id with the given outcome: its id, End,
// or "" when the object's run fails.
func (c *compiled) next(id string, ok bool) string {
	i := c.idx[id]
	if ok {
		return c.t.successOf(i)
	}
	return c.t.failureOf(i)
}

// compile validates t and checks every macro and condition against the
// scope of its place: a step sees the outputs of the steps that can run
// before it.
func compile(ctx context.Context, hooks *outbound.Service, t *Template) (*compiled, error) {
	if err := validate(t).err(t.ID); err != nil {
		return nil, err
	}
	c := &compiled{t: t, idx: t.stepIndex(), steps: make([]*compiledStep, len(t.Steps))}
	var problems problemList
	fail := func(i int, s Step, part, what string, err error) {
		problems.step(i, s, part, what, err)
	}
	// Outputs of every webhook step, for the steps namespace of later ones.
	outputs := map[string][]string{}
	webhooks := map[string]outbound.Webhook{}
	for i, s := range t.Steps {
		if s.Kind == KindAD && s.AD != nil && s.AD.Action == ADMove {
			outputs[s.ID] = []string{"dn"} // the object's new DN
		}
		if s.Kind != KindWebhook {
			continue
		}
		w, err := hooks.Get(ctx, s.Integration, s.Webhook)
		if err != nil {
			fail(i, s, "webhook", "webhook", err)
			continue
		}
		webhooks[s.ID] = w
		names := map[string]bool{}
		for _, o := range w.Outputs {
			names[o.Name] = true
		}
		if v := effectiveVerify(s, w); v != "" {
			if vw, err := hooks.Get(ctx, s.Integration, v); err == nil {
				for _, o := range vw.Outputs {
					names[o.Name] = true
				}
			}
		}
		for n := range names {
			outputs[s.ID] = append(outputs[s.ID], n)
		}
		sort.Strings(outputs[s.ID])
	}
	before := ancestors(t)
	moves := map[string]bool{}
	for _, s := range t.Steps {
		if s.Kind == KindAD && s.AD != nil && s.AD.Action == ADMove {
			moves[s.ID] = true
		}
	}
	ad := hooks.ADNamespace(ctx)
	soleIntegration := soleIntegration(t)
	for i, s := range t.Steps {
		cs := &compiledStep{Step: s}
		c.steps[i] = cs
		var earlier []macro.Step
		for _, id := range before[s.ID] {
			if outs := outputs[id]; len(outs) > 0 {
				earlier = append(earlier, macro.Step{ID: id, Outputs: outs})
			}
		}
		scope := macro.NewScope(ad, macro.Previous(ad), macro.Object(), macro.Steps(earlier...))
		switch s.Kind {
		case KindWebhook:
			w, ok := webhooks[s.ID]
			if !ok {
				continue
			}
			full, err := hooks.Scope(ctx, s.Integration, earlier...)
			if err != nil {
				fail(i, s, "integration", "integration", err)
				continue
			}
			if cs.hook, err = outbound.Compile(w, full); err != nil {
				fail(i, s, "webhook", "webhook", err)
				continue
			}
			if cs.bind, err = cs.hook.Bind(s.Inputs, full); err != nil {
				fail(i, s, "inputs", "inputs", err)
			}
			if v := declaredVerify(ctx, hooks, s, w, full); v != nil {
				// The template shows, and its runs keep, the verification
				// it got from the declaration.
				cs.Verify, t.Steps[i].Verify = v, v
			}
			if cs.Verify != nil {
				compileVerify(ctx, hooks, cs, full, func(format string, args ...any) {
					fail(i, s, "verify", "", fmt.Errorf(format, args...))
				})
			}
		case KindAD:
			cs.adAttrs = map[string]*macro.Template{}
			for name, src := range s.AD.Attributes {
				if src == "" {
					cs.adAttrs[name] = nil
					continue
				}
				tm, err := macro.Check(src, scope)
				if err != nil {
					fail(i, s, "ad.attributes."+name, "attribute "+name, err)
					continue
				}
				cs.adAttrs[name] = tm
			}
			if s.AD.Target != "" {
				tm, err := macro.Check(s.AD.Target, scope)
				if err != nil {
					fail(i, s, "ad.target", "target", err)
				}
				cs.adTarget = tm
			}
		case KindCondition:
			if soleIntegration != "" {
				// The integration's settings are data an admin edits, such
				// as a table of groups, read here without touching the
				// template's logic. See decision 0218.
				full, err := hooks.Scope(ctx, soleIntegration, earlier...)
				if err != nil {
					fail(i, s, "condition", "condition", err)
					continue
				}
				scope, cs.settingsOf = full, soleIntegration
			}
			cond, err := condition.Compile(s.Condition, scope)
			if err != nil {
				fail(i, s, "condition", "condition", err)
			}
			cs.cond = cond
			movedBefore := false
			for _, id := range before[s.ID] {
				movedBefore = movedBefore || moves[id]
			}
			cs.readsRunData = readsRunData(s.Condition, movedBefore)
		}
	}
	if err := problems.err(t.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// soleIntegration is the one integration every webhook step of t calls, or
// "" when there is none or several: a condition belongs to no step's
// integration, so it reads settings only when the template names just one.
func soleIntegration(t *Template) string {
	var only string
	for _, s := range t.Steps {
		if s.Kind != KindWebhook || s.Integration == "" {
			continue
		}
		if only != "" && only != s.Integration {
			return ""
		}
		only = s.Integration
	}
	return only
}

// effectiveVerify is the id of the lookup that verifies step s: its own
// verify, else the one its webhook declares, unless the step sends in-doubt
// calls to an admin.
func effectiveVerify(s Step, w outbound.Webhook) string {
	switch {
	case s.Verify != nil:
		return s.Verify.Webhook
	case s.InDoubt == InDoubtAdmin || w.Idempotent || w.Verify == nil:
		return ""
	}
	return w.Verify.Webhook
}

// declaredVerify returns the verification a webhook step gets from its
// webhook's declaration when the template names none: the declared lookup,
// its inputs bound to the step's bindings of the call's inputs they come
// from. It returns nil when the step has its own verify, sends in-doubt
// calls to an admin, or the webhook declares no lookup. See decision 0170.
func declaredVerify(ctx context.Context, hooks *outbound.Service, s Step, w outbound.Webhook, scope macro.Scope) *Verify {
	if s.Verify != nil || effectiveVerify(s, w) == "" {
		return nil
	}
	lw, err := hooks.Get(ctx, s.Integration, w.Verify.Webhook)
	if err != nil {
		return &Verify{Webhook: w.Verify.Webhook} // compileVerify reports it
	}
	lc, err := outbound.Compile(lw, scope)
	if err != nil {
		return &Verify{Webhook: w.Verify.Webhook}
	}
	v := &Verify{Webhook: lw.ID, Exists: w.Verify.Exists, Inputs: map[string]string{}}
	for _, in := range lc.Inputs() {
		from := in
		if m, ok := w.Verify.Inputs[in]; ok {
			from = m
		}
		if src, ok := s.Inputs[from]; ok {
			v.Inputs[in] = src
		}
	}
	return v
}

// inDoubtProblems lists the webhook steps that nothing settles when a call
// is left in doubt: not idempotent, no verify of their own or declared by
// the webhook, and no explicit choice to send such calls to an admin. Save
// and install refuse them, since each would end as a dead-letter after any
// crash, timeout or 5xx. See decision 0170.
func inDoubtProblems(c *compiled) []string {
	var p []string
	for _, cs := range c.steps {
		if cs.Kind != KindWebhook || cs.hook == nil || cs.hook.Webhook.Idempotent || cs.Verify != nil || cs.InDoubt == InDoubtAdmin {
			continue
		}
		p = append(p, fmt.Sprintf("step %s: webhook %s is not idempotent and declares no lookup that verifies it, so a call left in doubt by a crash, a timeout or a 5xx could be neither settled nor safely resent; add verify (a lookup webhook that finds what the call creates) or set inDoubt to %q to send such calls to an admin", cs.ID, cs.Webhook, InDoubtAdmin))
	}
	return p
}

func compileVerify(ctx context.Context, hooks *outbound.Service, cs *compiledStep, scope macro.Scope, fail func(string, ...any)) {
	v := cs.Verify
	w, err := hooks.Get(ctx, cs.Integration, v.Webhook)
	if err != nil {
		fail("verify: %v", err)
		return
	}
	if cs.verifyHook, err = outbound.Compile(w, scope); err != nil {
		fail("verify: %v", err)
		return
	}
	if cs.verifyBind, err = cs.verifyHook.Bind(v.Inputs, scope); err != nil {
		fail("verify: %v", err)
	}
	if v.Exists == "" {
		return
	}
	lookup := macro.Namespace{Name: NamespaceLookup, Description: "Outputs of the verification lookup", Open: true}
	for _, o := range w.Outputs {
		lookup.Fields = append(lookup.Fields, macro.FieldInfo{Name: o.Name, Description: o.Description})
	}
	vs := scope
	vs.Namespaces = append(append([]macro.Namespace(nil), scope.Namespaces...), lookup)
	if cs.exists, err = condition.Compile(v.Exists, vs); err != nil {
		fail("verify exists: %v", err)
	}
}
