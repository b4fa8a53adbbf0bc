package automation

import (
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/macro/condition"
	"github.com/idbridge/idbridge/marketplace/templates"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// TemplateScope is what a step's macros and conditions may read: the object's AD
// attributes (any valid attribute name) and its previous ones, the
// integration's plain settings, facts about the object, and the outputs of
// the steps before it.
func TemplateScope(settings []string, earlier []macro.Step) macro.Scope {
	adLike := func(name, desc string) macro.Namespace {
		return macro.Namespace{Name: name, Description: desc, FoldCase: true, Has: templates.ValidName}
	}
	return macro.NewScope(
		adLike(macro.NamespaceAD, "Attributes of the AD object"),
		adLike(macro.NamespacePrevious, "Attributes of the AD object when the automation last saw it in scope"),
		macro.Integration(settings...),
		macro.Object(),
		macro.Steps(earlier...),
	)
}

// CheckTemplate checks a shipped template as the host will run it: the
// extension contract's checks (templates.Check: structure, webhooks and
// their inputs against Describe) and then the host's own language, every
// macro and condition against what each step can see. It returns every
// problem joined, each wrapping templates.ErrInvalid.
func CheckTemplate(t templates.Template, preconfigured []*connectorv1.WebhookSpec, settings []string) error {
	errs := []error{templates.Check(t, preconfigured)}
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", templates.ErrInvalid, t.ID, fmt.Sprintf(format, args...)))
	}
	hooks := map[string]*connectorv1.WebhookSpec{}
	for _, w := range preconfigured {
		hooks[w.GetId()] = w
	}
	for _, w := range t.Webhooks {
		hooks[w.ID] = w.Spec()
	}
	var earlier []macro.Step
	for i, st := range t.Steps {
		// Steps by number and name, fields by their label, positions in
		// words. See decision 0229.
		where := fmt.Sprintf("Step %d (%s)", i+1, st.ID)
		if st.Name != "" {
			where = fmt.Sprintf("Step %d “%s”", i+1, st.Name)
		}
		scope := TemplateScope(settings, earlier)
		var outputs []string
		switch st.Kind {
		case templates.StepWebhook:
			for name, src := range st.Inputs {
				if _, err := macro.Check(src, scope); err != nil {
					fail("%v", macro.In(where+", input "+name, err))
				}
			}
			for _, o := range hooks[st.Webhook].GetOutputs() {
				outputs = append(outputs, o.GetName())
			}
		case templates.StepCondition:
			if _, err := condition.Compile(st.Condition, scope); err != nil {
				fail("%v", macro.In(where+", condition", err))
			}
		}
		earlier = append(earlier, macro.Step{ID: st.ID, Outputs: outputs})
	}
	return errors.Join(errs...)
}
