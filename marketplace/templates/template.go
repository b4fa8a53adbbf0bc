package templates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Step kinds, as the orchestration engine names them.
const (
	// StepWebhook calls a webhook of the integration: a preconfigured one
	// of the connector or one of the template's own Webhooks.
	StepWebhook = "webhook"
	// StepCondition evaluates a CEL expression: true follows OnSuccess,
	// false OnFailure.
	StepCondition = "condition"
	// StepDelay waits Delay before the next step.
	StepDelay = "delay"
)

// Branch targets besides step ids.
const (
	// Next continues with the following step; it is what an empty branch
	// means.
	Next = ""
	// End stops the run for the object, successfully.
	End = "end"
)

// Template is one orchestration template.
type Template struct {
	// ID is stable across releases: automations store it.
	ID string `json:"id"`
	// Name and Description are shown to admins.
	Name        string `json:"name"`
	Description string `json:"description"`
	// Connector is the extension whose integration the steps call.
	Connector string `json:"connector"`
	// Trigger is the trigger the template is meant for, offered as the
	// default when an admin makes an automation of it.
	Trigger SuggestedTrigger `json:"trigger"`
	// Webhooks are custom webhooks the template needs beyond the
	// connector's preconfigured ones.
	Webhooks []Webhook `json:"webhooks,omitempty"`
	// Steps run in order unless a branch says otherwise.
	Steps []Step `json:"steps"`
}

// SuggestedTrigger is the trigger a template is written for.
type SuggestedTrigger struct {
	// Events are watcher and scope kinds, e.g. "scope.entered".
	Events []string `json:"events"`
}

// Webhook is a custom outbound call declared by a template, in the shape
// an admin's custom webhook has. {WorkspaceID} is filled by the connector
// from the integration's settings, %name% from the step's inputs.
type Webhook struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Method      string   `json:"method"`
	URL         string   `json:"url"`
	Query       []KV     `json:"query,omitempty"`
	MessageType string   `json:"messageType,omitempty"`
	Body        string   `json:"body,omitempty"`
	Outputs     []Output `json:"outputs,omitempty"`
}

// KV is a query parameter or header.
type KV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Output is a value read from a webhook's response.
type Output struct {
	Name string `json:"name"`
	// Path is the connector's output path, e.g. "[name=%name%].id".
	Path        string `json:"path"`
	Description string `json:"description,omitempty"`
}

// Step is one step of a template.
type Step struct {
	// ID names the step; later steps read its outputs as %steps.<id>.x%.
	ID string `json:"id"`
	// Name says what the step does, for run records.
	Name string `json:"name"`
	// Kind is StepWebhook, StepCondition or StepDelay.
	Kind string `json:"kind"`
	// Integration is the integration a StepWebhook calls through; empty in
	// the shipped files and filled by ForIntegration at install, since the
	// admin names the integration.
	Integration string `json:"integration,omitempty"`
	// Webhook is the id of the webhook a StepWebhook calls.
	Webhook string `json:"webhook,omitempty"`
	// Inputs fill the webhook's %name% placeholders; values are macros.
	Inputs map[string]string `json:"inputs,omitempty"`
	// Verify names the lookup that settles a call of a non-idempotent
	// webhook left in doubt; empty means the one the webhook declares.
	Verify *Verify `json:"verify,omitempty"`
	// InDoubt set to InDoubtAdmin sends a call left in doubt to an admin;
	// a step whose webhook is neither idempotent nor verified must say so.
	InDoubt string `json:"inDoubt,omitempty"`
	// Condition is the CEL expression of a StepCondition.
	Condition string `json:"condition,omitempty"`
	// Delay is a Go duration for a StepDelay, e.g. "30s".
	Delay string `json:"delay,omitempty"`
	// Deactivates marks a step that takes an account away, which the
	// engine's deactivation guard counts.
	Deactivates bool `json:"deactivates,omitempty"`
	// OnSuccess and OnFailure name the next step: a later step's id, Next
	// ("") or End. An empty OnFailure of a webhook fails the object; of a
	// condition, it ends the object's run quietly.
	OnSuccess string `json:"onSuccess,omitempty"`
	OnFailure string `json:"onFailure,omitempty"`
}

// InDoubtAdmin is the Step.InDoubt value that sends calls left in doubt to
// an admin instead of verifying them.
const InDoubtAdmin = "admin"

// Verify is a step's own verification lookup, in the engine's shape.
type Verify struct {
	// Webhook is the lookup's id.
	Webhook string `json:"webhook"`
	// Inputs bind the lookup's inputs; values are macros.
	Inputs map[string]string `json:"inputs,omitempty"`
	// Exists is a CEL condition over lookup.<output>.
	Exists string `json:"exists,omitempty"`
}

// Load reads every *.json template at the top of fsys, ordered by id: a
// connector's embedded files, or the templates/ folder of an extension.
func Load(fsys fs.FS) ([]Template, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []Template
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		t, err := load(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Find returns the template with id among ts; the error lists the ids
// there are.
func Find(ts []Template, id string) (Template, error) {
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return Template{}, fmt.Errorf("templates: no template %q; there are %s", id, strings.Join(ids, ", "))
}

// load parses one file strictly: an unknown field is a mistake in the file,
// not something to ignore.
func load(fsys fs.FS, name string) (Template, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Template{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var t Template
	if err := dec.Decode(&t); err != nil {
		return Template{}, fmt.Errorf("%w: %s: %w", ErrInvalid, name, err)
	}
	return t, nil
}

// Step returns the step with id and its index, or false.
func (t Template) Step(id string) (Step, int, bool) {
	for i, s := range t.Steps {
		if s.ID == id {
			return s, i, true
		}
	}
	return Step{}, -1, false
}

// ForIntegration returns a copy of t whose webhook steps call through the
// integration id: what "install templates from extension" saves.
func (t Template) ForIntegration(id string) Template {
	out := t
	out.Steps = make([]Step, len(t.Steps))
	for i, s := range t.Steps {
		if s.Kind == StepWebhook {
			s.Integration = id
		}
		out.Steps[i] = s
	}
	return out
}

// Webhook returns the template's own webhook with id, or false.
func (t Template) Webhook(id string) (Webhook, bool) {
	for _, w := range t.Webhooks {
		if w.ID == id {
			return w, true
		}
	}
	return Webhook{}, false
}
