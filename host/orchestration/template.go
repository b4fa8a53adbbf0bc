package orchestration

import (
	"encoding/json"
	"fmt"
	"time"
)

// Step kinds.
const (
	// KindWebhook calls an outbound webhook of an integration.
	KindWebhook = "webhook"
	// KindAD changes the AD object (modify, disable, enable, move, group
	// membership).
	KindAD = "ad"
	// KindCondition evaluates a CEL condition: true follows OnSuccess (or
	// the next step), false follows OnFailure (or ends the object's run).
	KindCondition = "condition"
	// KindDelay waits before the next step, without holding a worker.
	KindDelay = "delay"
)

// End is a branch target that ends the object's run.
const End = "end"

// AD actions.
const (
	ADModify          = "modify"
	ADDisable         = "disable"
	ADEnable          = "enable"
	ADMove            = "move"
	ADAddToGroup      = "add-to-group"
	ADRemoveFromGroup = "remove-from-group"
)

// Template is an orchestration template: steps in order, each with a
// success and a failure branch.
type Template struct {
	// ID identifies the template in automations.
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Steps run from the first. After a step succeeds the run goes to its
	// OnSuccess step, or to the next one in order; after it fails, to its
	// OnFailure step, or the object's run fails.
	Steps []Step `json:"steps"`
	// MaxDeactivations bounds how many objects one run may send through
	// deactivating steps before it waits for an admin's approval; zero
	// means the engine's default, negative means no limit.
	MaxDeactivations int `json:"maxDeactivations,omitempty"`
	// Updated is when the template was last saved.
	Updated time.Time `json:"updated,omitzero"`
}

// Step is one step of a template. Which fields apply depends on Kind.
type Step struct {
	// ID is unique in the template; later steps read this step's outputs as
	// %steps.<id>.<output>%.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Kind string `json:"kind"`

	// Integration and Webhook name the outbound webhook of a webhook step.
	Integration string `json:"integration,omitempty"`
	Webhook     string `json:"webhook,omitempty"`
	// Inputs bind the webhook's inputs to macros, e.g. email: "%ad.mail%".
	Inputs map[string]string `json:"inputs,omitempty"`
	// Verify is the lookup that tells, after a crash left the call in
	// doubt, whether it already took effect.
	Verify *Verify `json:"verify,omitempty"`
	// InDoubt says what becomes of a call left in doubt that nothing
	// verifies: InDoubtAdmin dead-letters it for an admin to check. A step
	// whose webhook is neither idempotent nor verified (by Verify or by
	// the webhook's own declaration) must say so, or it is refused at save.
	// See decision 0170.
	InDoubt string `json:"inDoubt,omitempty"`

	// AD is the action of an AD step.
	AD *ADAction `json:"ad,omitempty"`

	// Condition is the CEL expression of a condition step.
	Condition string `json:"condition,omitempty"`

	// Delay is the wait of a delay step, e.g. "15m".
	Delay Duration `json:"delay,omitempty"`

	// Deactivates marks a step that takes an account away (deactivate,
	// disable); the deactivation guard counts the objects that can reach
	// such steps. AD disable steps count without it.
	Deactivates bool `json:"deactivates,omitempty"`

	// OnSuccess is the step after success ("end" to stop); empty means the
	// next step in order.
	OnSuccess string `json:"onSuccess,omitempty"`
	// OnFailure is the step after a permanent failure ("end" to stop
	// quietly); empty means the object's run fails there.
	OnFailure string `json:"onFailure,omitempty"`
	// MaxAttempts bounds retries of retryable failures; zero means the
	// engine's default.
	MaxAttempts int `json:"maxAttempts,omitempty"`
}

// InDoubtAdmin is the InDoubt value that sends a call left in doubt to an
// admin instead of verifying or resending it.
const InDoubtAdmin = "admin"

// Verify declares how to find out whether a step's call already took
// effect: run a lookup webhook of the same integration and evaluate Exists
// over its outputs. It is consulted only for a call a crash left in doubt.
type Verify struct {
	// Webhook is the lookup webhook, e.g. find-user-by-email.
	Webhook string `json:"webhook"`
	// Inputs bind the lookup's inputs.
	Inputs map[string]string `json:"inputs,omitempty"`
	// Exists is a CEL condition over the lookup's outputs (as lookup.<name>)
	// and the usual namespaces; empty means "the lookup succeeded". A
	// lookup that fails as not found means the effect does not exist.
	Exists string `json:"exists,omitempty"`
}

// ADAction is what an AD step does. Values are macro templates.
type ADAction struct {
	// Action is modify, disable, enable, move, add-to-group or
	// remove-from-group.
	Action string `json:"action"`
	// Attributes are set (replaced) by modify; an empty value clears it.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Target is the OU DN of move, or the group DN of group actions.
	Target string `json:"target,omitempty"`
}

// Duration is a time.Duration written as "15m" in JSON.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte(`""`), nil
	}
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is written like \"90s\" or \"15m\": %w", err)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("a duration is written like \"90s\" or \"15m\": %w", err)
	}
	*d = Duration(v)
	return nil
}

// deactivating reports whether the step counts for the deactivation guard.
func (s *Step) deactivating() bool {
	return s.Deactivates || (s.Kind == KindAD && s.AD != nil && s.AD.Action == ADDisable)
}

// stepIndex maps step ids to their positions.
func (t *Template) stepIndex() map[string]int {
	idx := make(map[string]int, len(t.Steps))
	for i, s := range t.Steps {
		idx[s.ID] = i
	}
	return idx
}

// successOf is the step after s succeeds, or End.
func (t *Template) successOf(i int) string {
	s := t.Steps[i]
	if s.OnSuccess != "" {
		return s.OnSuccess
	}
	if i+1 < len(t.Steps) {
		return t.Steps[i+1].ID
	}
	return End
}

// failureOf is the step after s fails, End to stop quietly, or "" when the
// object's run fails.
func (t *Template) failureOf(i int) string {
	s := t.Steps[i]
	if s.Kind == KindCondition && s.OnFailure == "" {
		return End
	}
	return s.OnFailure
}
