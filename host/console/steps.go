package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/orchestration"
)

// The template step editor: a template's steps as rows of a form (add,
// remove, move up and down), each step's kind with its own fields, the
// webhook picked from the integrations' webhooks, branch targets picked
// from the template's steps. The JSON editor stays beside it for what the
// form does not draw. See decision 0268.

// stepsForm is the name the step editor's kept form carries.
const stepsForm = "template-steps"

// stepKinds are the kinds of step, in words.
var stepKinds = []struct{ Kind, Words string }{
	{"webhook", "call an app (webhook)"},
	{"condition", "check a condition"},
	{"ad", "change AD"},
	{"delay", "wait"},
}

// adActions are the AD step's actions, in words.
var adActions = []struct{ Action, Words string }{
	{"modify", "set attributes"},
	{"disable", "disable the user"},
	{"enable", "enable the user"},
	{"move", "move the user to an OU"},
	{"add-to-group", "add the user to a group"},
	{"remove-from-group", "remove the user from a group"},
}

// stepRow is one step as the editor draws it: every field as text, so
// what was typed comes back as typed.
type stepRow struct {
	ID, Name, Kind string
	// Webhook is "integration/webhook".
	Webhook              string
	Inputs               []kv
	ADAction, ADTarget   string
	ADAttributes         []kv
	Condition, Delay     string
	OnSuccess, OnFailure string
	InDoubt              string
	Deactivates          bool
	MaxAttempts          string
	// Extra is the JSON of the step's fields the form does not draw (a
	// verify lookup), carried through the form so saving keeps them.
	Extra string
}

// templateForm is the step editor's content.
type templateForm struct {
	ID, Name, Description, MaxDeactivations string
	Steps                                   []stepRow
}

// webhookChoice is a webhook a step can call.
type webhookChoice struct {
	Value, Label, Integration string
}

// stepFieldsDrawn are the step fields the editor has inputs for; the
// others travel in Extra.
var stepFieldsDrawn = map[string]bool{"id": true, "name": true, "kind": true, "integration": true, "webhook": true, "inputs": true,
	"ad": true, "condition": true, "delay": true, "onSuccess": true, "onFailure": true, "inDoubt": true, "deactivates": true, "maxAttempts": true}

// templateFormOf draws a stored template.
func templateFormOf(t orchestration.Template) templateForm {
	out := templateForm{ID: t.ID, Name: t.Name, Description: t.Description}
	if t.MaxDeactivations != 0 {
		out.MaxDeactivations = strconv.Itoa(t.MaxDeactivations)
	}
	for _, st := range t.Steps {
		row := stepRow{ID: st.ID, Name: st.Name, Kind: st.Kind, Inputs: sortedKV(st.Inputs), Condition: st.Condition,
			OnSuccess: st.OnSuccess, OnFailure: st.OnFailure, InDoubt: st.InDoubt, Deactivates: st.Deactivates}
		if st.Integration != "" || st.Webhook != "" {
			row.Webhook = st.Integration + "/" + st.Webhook
		}
		if st.Delay != 0 {
			row.Delay = time.Duration(st.Delay).String()
		}
		if st.MaxAttempts != 0 {
			row.MaxAttempts = strconv.Itoa(st.MaxAttempts)
		}
		if st.AD != nil {
			row.ADAction, row.ADTarget = st.AD.Action, st.AD.Target
			row.ADAttributes = sortedKV(st.AD.Attributes)
		}
		// What the form does not draw travels as JSON, whatever fields
		// the API's step has beyond the drawn ones.
		var all map[string]json.RawMessage
		if raw, err := json.Marshal(st); err == nil && json.Unmarshal(raw, &all) == nil {
			for k := range all {
				if stepFieldsDrawn[k] {
					delete(all, k)
				}
			}
		}
		if len(all) > 0 {
			b, _ := json.Marshal(all)
			row.Extra = string(b)
		}
		out.Steps = append(out.Steps, row)
	}
	return out
}

// sortedKV lists a map as rows, by name.
func sortedKV(m map[string]string) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// templateFormFrom reads the step editor as typed, every row kept.
func templateFormFrom(form url.Values) templateForm {
	f := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	out := templateForm{ID: f("id"), Name: f("name"), Description: f("description"), MaxDeactivations: f("maxDeactivations")}
	pairs := func(row url.Values, list string) []kv {
		names, values := row[list+".name"], row[list+".value"]
		var kvs []kv
		for i, n := range names {
			r := kv{Name: n}
			if i < len(values) {
				r.Value = values[i]
			}
			kvs = append(kvs, r)
		}
		return kvs
	}
	for _, row := range rowValues(form, "steps") {
		g := func(k string) string { return strings.TrimSpace(row.Get(k)) }
		out.Steps = append(out.Steps, stepRow{ID: g("id"), Name: g("name"), Kind: g("kind"), Webhook: g("webhook"),
			Inputs: pairs(row, "inputs"), ADAction: g("ad.action"), ADTarget: g("ad.target"), ADAttributes: pairs(row, "ad.attributes"),
			Condition: g("condition"), Delay: g("delay"), OnSuccess: g("onSuccess"), OnFailure: g("onFailure"),
			InDoubt: g("inDoubt"), Deactivates: g("deactivates") == "on", MaxAttempts: g("maxAttempts"), Extra: row.Get("extra")})
	}
	return out
}

// empty reports a step row nothing was typed into.
func (s stepRow) empty() bool {
	for _, r := range append(append([]kv(nil), s.Inputs...), s.ADAttributes...) {
		if strings.TrimSpace(r.Name) != "" || strings.TrimSpace(r.Value) != "" {
			return false
		}
	}
	return s.ID == "" && s.Name == "" && s.Webhook == "" && s.ADAction == "" && s.ADTarget == "" && s.Condition == "" &&
		s.Delay == "" && s.OnSuccess == "" && s.OnFailure == "" && s.MaxAttempts == "" && s.Extra == ""
}

// templateJSON is the template the API takes, built from the editor;
// empty step rows are left out (rowOf tells which row each step came
// from). Problems the console finds itself (a wait that is not a
// duration, an input without a name) are returned as field problems.
func (t templateForm) templateJSON() (orchestration.Template, map[string][]int, []api.FieldError) {
	var bad []api.FieldError
	out := orchestration.Template{ID: t.ID, Name: t.Name, Description: t.Description, Steps: []orchestration.Step{}}
	if t.MaxDeactivations != "" {
		n, err := strconv.Atoi(t.MaxDeactivations)
		if err != nil {
			bad = append(bad, api.FieldError{Field: "maxDeactivations", Message: "a whole number (empty for the engine's default, -1 for no limit)"})
		}
		out.MaxDeactivations = n
	}
	rowOf := map[string][]int{}
	for i, s := range t.Steps {
		if s.empty() {
			continue
		}
		p := "steps[" + strconv.Itoa(i) + "]"
		var st orchestration.Step
		if s.Extra != "" {
			_ = json.Unmarshal([]byte(s.Extra), &st)
		}
		st.ID, st.Kind, st.Name, st.OnSuccess, st.OnFailure = s.ID, s.Kind, s.Name, s.OnSuccess, s.OnFailure
		rows := func(list string, kvs []kv) map[string]string {
			m := map[string]string{}
			for _, r := range kvs {
				name, value := strings.TrimSpace(r.Name), strings.TrimSpace(r.Value)
				switch {
				case name != "":
					m[name] = value
				case value != "":
					bad = append(bad, api.FieldError{Field: p + "." + list, Message: "give each value a name, or empty its row"})
				}
			}
			return m
		}
		switch s.Kind {
		case "webhook":
			st.Integration, st.Webhook, _ = strings.Cut(s.Webhook, "/")
			st.Inputs = rows("inputs", s.Inputs)
			st.InDoubt, st.Deactivates = s.InDoubt, s.Deactivates
			if s.MaxAttempts != "" {
				n, err := strconv.Atoi(s.MaxAttempts)
				if err != nil || n < 0 {
					bad = append(bad, api.FieldError{Field: p + ".maxAttempts", Message: "a whole number (empty for the engine's default)"})
				}
				st.MaxAttempts = n
			}
		case "ad":
			st.AD = &orchestration.ADAction{Action: s.ADAction, Target: s.ADTarget, Attributes: rows("ad.attributes", s.ADAttributes)}
		case "condition":
			st.Condition = s.Condition
		case "delay":
			if d, err := time.ParseDuration(s.Delay); err != nil {
				bad = append(bad, api.FieldError{Field: p + ".delay", Message: "how long to wait, such as 15m, 2h or 1h30m"})
			} else {
				st.Delay = orchestration.Duration(d)
			}
		}
		out.Steps = append(out.Steps, st)
		rowOf["steps"] = append(rowOf["steps"], i)
	}
	return out, rowOf, bad
}

// stepInputs are the inputs the API's step problems are drawn beside:
// problems with one input or attribute go under the rows, a problem with
// the integration beside the webhook choice, a verify lookup's on the
// step.
func stepInput(field string) string {
	i := strings.Index(field, "].")
	if !strings.HasPrefix(field, "steps[") || i < 0 {
		return field
	}
	step, part := field[:i+1], field[i+2:]
	switch {
	case part == "integration":
		return step + ".webhook"
	case strings.HasPrefix(part, "inputs."):
		return step + ".inputs"
	case strings.HasPrefix(part, "ad.attributes."):
		return step + ".ad.attributes"
	case strings.HasPrefix(part, "verify"):
		return step
	}
	return field
}

// webhookChoices lists the webhooks of every integration in ins for the
// steps' drop-downs.
func (c *Console) webhookChoices(r *http.Request, s *session, ins []integrations.View) []webhookChoice {
	if !c.routeTable().has(apiclient.RouteGetIntegrationsIntegrationWebhooks) {
		return nil
	}
	var out []webhookChoice
	for _, in := range ins {
		whs, err := c.client(r, s).GetIntegrationsIntegrationWebhooks(r.Context(), in.ID)
		if err != nil {
			continue
		}
		for _, wh := range whs {
			out = append(out, webhookChoice{Value: in.ID + "/" + wh.ID, Label: wh.Name, Integration: in.Name})
		}
	}
	return out
}

// choice is one option of a drop-down.
type choice struct {
	Value, Label string
	Selected     bool
}

// BranchChoices are the targets a step's branch can name: the end of the
// run and every other step, by number and id. A target the template names
// but that is not one of its steps stays offered, so nothing typed is
// lost; saving then says what is wrong with it.
func (t templateForm) BranchChoices(self int, current string) []choice {
	out := []choice{{Value: "end", Label: "end the run (quietly)", Selected: current == "end"}}
	found := current == "" || current == "end"
	for i, s := range t.Steps {
		if i == self || s.ID == "" {
			continue
		}
		label := "step " + strconv.Itoa(i+1) + ": " + s.ID
		if s.Name != "" {
			label += " — " + s.Name
		}
		out = append(out, choice{Value: s.ID, Label: label, Selected: s.ID == current})
		found = found || s.ID == current
	}
	if !found {
		out = append(out, choice{Value: current, Label: current + " (not a step of this template)", Selected: true})
	}
	return out
}

// WebhookOptions are the webhooks a step can call, with the step's
// current one kept when it is not (or no longer) among them.
func (d templatesData) WebhookOptions(current string) []choice {
	var out []choice
	found := current == ""
	for _, w := range d.Webhooks {
		out = append(out, choice{Value: w.Value, Label: w.Integration + ": " + w.Label, Selected: w.Value == current})
		found = found || w.Value == current
	}
	if !found {
		out = append(out, choice{Value: current, Label: current + " (not found)", Selected: true})
	}
	return out
}
