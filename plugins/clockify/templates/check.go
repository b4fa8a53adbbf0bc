package templates

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/macro/condition"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// NamespacePrevious holds the attributes a user had when the automation
// last saw it in scope; the move template reads the old department there.
const NamespacePrevious = "previous"

// ErrInvalid is wrapped by every problem Check finds.
var ErrInvalid = errors.New("template is not valid")

// Scope is what a step's macros and conditions may read: the object's AD
// attributes (any valid attribute name) and its previous ones, the
// integration's plain settings, facts about the object, and the outputs of
// the steps before it.
func Scope(settings []string, earlier []macro.Step) macro.Scope {
	adLike := func(name, desc string) macro.Namespace {
		return macro.Namespace{Name: name, Description: desc, FoldCase: true, Has: validAttribute}
	}
	return macro.NewScope(
		adLike(macro.NamespaceAD, "Attributes of the AD object"),
		adLike(NamespacePrevious, "Attributes of the AD object when the automation last saw it in scope"),
		macro.Integration(settings...),
		macro.Object(),
		macro.Steps(earlier...),
	)
}

func validAttribute(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// Check validates a template against the connector's preconfigured
// webhooks (from Describe) and its plain settings: unique step ids,
// branches that only jump forward (so no loop), known webhooks, inputs that
// give exactly the webhook's placeholders, macros and conditions that
// check against what each step can see. It returns every problem joined.
func Check(t Template, preconfigured []*connectorv1.WebhookSpec, settings []string) error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrInvalid, t.ID, fmt.Sprintf(format, args...)))
	}
	if t.ID == "" || t.Name == "" {
		fail("id and name are required")
	}
	if len(t.Steps) == 0 {
		fail("no steps")
	}
	hooks := map[string]*connectorv1.WebhookSpec{}
	for _, w := range preconfigured {
		hooks[w.GetId()] = w
	}
	for _, w := range t.Webhooks {
		if _, clash := hooks[w.ID]; clash {
			fail("custom webhook %q has the id of a preconfigured one; rename it", w.ID)
		}
		hooks[w.ID] = w.Spec()
	}
	var earlier []macro.Step
	for i, st := range t.Steps {
		where := fmt.Sprintf("step %d (%s)", i+1, st.ID)
		if st.ID == "" || st.ID == End || !validAttribute(st.ID) {
			fail("%s: give the step an id of letters and digits other than end", where)
		}
		if _, j, _ := t.Step(st.ID); j != i {
			fail("%s: the id is used twice", where)
		}
		for _, target := range []string{st.OnSuccess, st.OnFailure} {
			if target == Next || target == End {
				continue
			}
			if _, j, ok := t.Step(target); !ok {
				fail("%s: branch to unknown step %q", where, target)
			} else if j <= i {
				fail("%s: branch back to %q would loop; branches only jump forward", where, target)
			}
		}
		scope := Scope(settings, earlier)
		var outputs []string
		switch st.Kind {
		case StepWebhook:
			spec, ok := hooks[st.Webhook]
			if !ok {
				fail("%s: unknown webhook %q", where, st.Webhook)
				break
			}
			need := Placeholders(spec)
			for _, n := range need {
				if _, ok := st.Inputs[n]; !ok {
					fail("%s: webhook %s needs the input %q", where, st.Webhook, n)
				}
			}
			for name, src := range st.Inputs {
				if !slices.Contains(need, name) {
					fail("%s: webhook %s has no input %q", where, st.Webhook, name)
				}
				if _, err := macro.Check(src, scope); err != nil {
					fail("%s: input %s: %v", where, name, err)
				}
			}
			for _, o := range spec.GetOutputs() {
				outputs = append(outputs, o.GetName())
			}
			if msg := inDoubtProblem(st, spec); msg != "" {
				fail("%s: %s", where, msg)
			}
		case StepCondition:
			if _, err := condition.Compile(st.Condition, scope); err != nil {
				fail("%s: condition: %v", where, err)
			}
		case StepDelay:
			if d, err := time.ParseDuration(st.Delay); err != nil || d <= 0 {
				fail("%s: delay %q is not a positive duration such as 30s or 1h", where, st.Delay)
			}
		default:
			fail("%s: kind %q; use webhook, condition or delay", where, st.Kind)
		}
		earlier = append(earlier, macro.Step{ID: st.ID, Outputs: outputs})
	}
	return errors.Join(errs...)
}

// inDoubtProblem refuses a step that nothing settles when its call is left
// in doubt by a crash, a timeout or a 5xx: the webhook is not idempotent,
// declares no verifying lookup, the step names none either and does not
// send such calls to an admin. The host applies the same rule at save.
func inDoubtProblem(st Step, spec *connectorv1.WebhookSpec) string {
	switch {
	case st.InDoubt != "" && st.InDoubt != InDoubtAdmin:
		return fmt.Sprintf("inDoubt %q must be empty or %q", st.InDoubt, InDoubtAdmin)
	case spec.GetIdempotent(), spec.GetVerify().GetWebhook() != "", st.Verify != nil, st.InDoubt == InDoubtAdmin:
		return ""
	}
	return fmt.Sprintf("webhook %s is not idempotent and declares no lookup that verifies it; add verify or set inDoubt to %q", spec.GetId(), InDoubtAdmin)
}
