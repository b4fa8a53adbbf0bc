package templates

import (
	"errors"
	"fmt"
	"slices"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// ErrInvalid is wrapped by every problem Validate and Check find.
var ErrInvalid = errors.New("template is not valid")

// Validate checks what the files alone can tell: an id and a name, steps
// with unique ids that branch only forward to steps that exist (so a
// template cannot loop), known step kinds, positive delays, custom webhooks
// with an id, a method and a URL. ext pack and the host's extension install
// run it, so a broken template never ships. It returns every problem
// joined.
func Validate(t Template) error {
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
	seen := map[string]bool{}
	for _, w := range t.Webhooks {
		if w.ID == "" || w.Method == "" || w.URL == "" {
			fail("custom webhook %q needs an id, a method and a url", w.ID)
		}
		if seen[w.ID] {
			fail("custom webhook %q is declared twice", w.ID)
		}
		seen[w.ID] = true
	}
	for i, st := range t.Steps {
		where := fmt.Sprintf("step %d (%s)", i+1, st.ID)
		if st.ID == "" || st.ID == End || !ValidName(st.ID) {
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
		switch st.Kind {
		case StepWebhook:
			if st.Webhook == "" {
				fail("%s: name the webhook the step calls", where)
			}
		case StepCondition:
			if st.Condition == "" {
				fail("%s: a condition step needs a condition", where)
			}
		case StepDelay:
			if d, err := time.ParseDuration(st.Delay); err != nil || d <= 0 {
				fail("%s: delay %q is not a positive duration such as 30s or 1h", where, st.Delay)
			}
		default:
			fail("%s: kind %q; use webhook, condition or delay", where, st.Kind)
		}
	}
	return errors.Join(errs...)
}

// Check is Validate plus what the connector's Describe tells: every webhook
// step calls a preconfigured webhook or one of the template's own (which
// may not reuse a preconfigured id), and gives exactly the inputs its
// placeholders need. The host adds its own checks of macros and conditions
// when it saves the template.
func Check(t Template, preconfigured []*connectorv1.WebhookSpec) error {
	errs := []error{Validate(t)}
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrInvalid, t.ID, fmt.Sprintf(format, args...)))
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
	for i, st := range t.Steps {
		if st.Kind != StepWebhook {
			continue
		}
		where := fmt.Sprintf("step %d (%s)", i+1, st.ID)
		spec, ok := hooks[st.Webhook]
		if !ok {
			fail("%s: unknown webhook %q", where, st.Webhook)
			continue
		}
		if msg := inDoubtProblem(st, spec); msg != "" {
			fail("%s: %s", where, msg)
		}
		need := Placeholders(spec)
		for _, n := range need {
			if _, ok := st.Inputs[n]; !ok {
				fail("%s: webhook %s needs the input %q", where, st.Webhook, n)
			}
		}
		for name := range st.Inputs {
			if !slices.Contains(need, name) {
				fail("%s: webhook %s has no input %q", where, st.Webhook, name)
			}
		}
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

// ValidName reports whether s is a letter followed by letters, digits and
// dashes: the shape of a step id, and of the LDAP attribute names that
// macros read, so the host checks both with this one rule.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return true
}
