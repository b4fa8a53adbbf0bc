package outbound

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/macro"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// NamespaceInput holds a webhook's inputs once bound; bare macros such as
// %email% in a webhook are read from it.
const NamespaceInput = "input"

// field is one compiled template and the context its values are escaped
// for.
type field struct {
	path  string // the webhook's JSON path, for the API's fields: "headers[0].value"
	where string // the field in words, for messages: "URL", "Header X-Foo", "Body"
	tmpl  *macro.Template
	ctx   macro.Context
}

// Compiled is a webhook whose templates are parsed and checked against a
// scope. It is immutable and safe for concurrent use: one compile serves
// every object of a run.
type Compiled struct {
	// Webhook is the definition it was compiled from.
	Webhook Webhook
	url     field
	headers []field
	query   []field
	body    *field
	outputs []field
	inputs  []string
}

// Inputs are the bare macros of the webhook, sorted: the values a step must
// bind.
func (c *Compiled) Inputs() []string { return slices.Clone(c.inputs) }

// Compile parses and checks every template of w against scope. Bare macros
// (%email%) become inputs; every other reference must exist in scope, so an
// unknown macro is refused here, at save time, with its place and a
// suggestion.
func Compile(w Webhook, scope macro.Scope) (*Compiled, error) {
	if err := w.validate(); err != nil {
		return nil, err
	}
	c := &Compiled{Webhook: w}
	bodyCtx, err := macro.ContextFor(w.MessageType)
	if err != nil {
		return nil, &InvalidError{Webhook: w.ID, Problems: []Problem{{Field: "messageType", Label: "Message type", Message: err.Error()}}}
	}
	var parsed []*field
	var problems []Problem
	inputs := map[string]bool{}
	add := func(path, where, src string, ctx macro.Context) *field {
		t, err := macro.Parse(src)
		if err != nil {
			problems = append(problems, Problem{Field: path, Label: where, Message: err.Error()})
			return &field{path: path, where: where, tmpl: &macro.Template{Source: src}, ctx: ctx}
		}
		for _, r := range t.Refs() {
			if r.Namespace == "" && r.Name != "now" {
				r.Namespace = NamespaceInput
				inputs[r.Name] = true
			}
		}
		f := &field{path: path, where: where, tmpl: t, ctx: ctx}
		parsed = append(parsed, f)
		return f
	}
	// Each field is named by its JSON path for the API's fields and in
	// words for the message: "Body, line 1, column 2: ...". See decisions
	// 0229 and 0271.
	c.url = *add("url", "URL", w.URL, macro.URL)
	for i, h := range w.Headers {
		c.headers = append(c.headers, *add(fmt.Sprintf("headers[%d].value", i), "Header "+h.Name, h.Value, macro.Header))
	}
	// The connector encodes query values itself, so they are rendered as
	// text here; encoding twice would corrupt them.
	for i, q := range w.Query {
		c.query = append(c.query, *add(fmt.Sprintf("query[%d].value", i), "Query parameter "+q.Name, q.Value, macro.Text))
	}
	if w.Body != "" {
		c.body = add("body", "Body", w.Body, bodyCtx)
	}
	for i, o := range w.Outputs {
		c.outputs = append(c.outputs, *add(fmt.Sprintf("outputs[%d].path", i), "Output "+o.Name, o.Path, macro.Text))
	}
	for name := range inputs {
		c.inputs = append(c.inputs, name)
	}
	sort.Strings(c.inputs)
	in := macro.Namespace{Name: NamespaceInput, Description: "Inputs of the webhook"}
	for _, name := range c.inputs {
		in.Fields = append(in.Fields, macro.FieldInfo{Name: name, Description: "Input " + name})
	}
	full := scope
	full.Namespaces = append(slices.Clone(scope.Namespaces), in)
	for _, f := range parsed {
		if err := macro.CheckTemplate(f.tmpl, full); err != nil {
			problems = append(problems, Problem{Field: f.path, Label: f.where, Message: err.Error()})
		}
	}
	if len(problems) > 0 {
		return nil, &InvalidError{Webhook: w.ID, Problems: problems}
	}
	return c, nil
}

// Binding is a checked set of input values for one compiled webhook: each
// input is a template over the caller's scope (%ad.mail%).
type Binding struct {
	inputs map[string]*macro.Template
}

// Bind checks a step's input bindings: every input of the webhook must be
// bound, no binding may name an unknown input, and each template must be
// valid in scope. Errors name the input.
func (c *Compiled) Bind(values map[string]string, scope macro.Scope) (*Binding, error) {
	var errs []error
	b := &Binding{inputs: map[string]*macro.Template{}}
	for _, name := range c.inputs {
		src, ok := values[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%w %q of webhook %s is not bound: give it a value such as %%ad.mail%%", ErrInput, name, c.Webhook.ID))
			continue
		}
		t, err := macro.Check(src, scope)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w %q: %w", ErrInput, name, err))
			continue
		}
		b.inputs[name] = t
	}
	for name := range values {
		if !slices.Contains(c.inputs, name) {
			errs = append(errs, fmt.Errorf("%w %q: webhook %s has no such input (its inputs: %s)", ErrInput, name, c.Webhook.ID, strings.Join(c.inputs, ", ")))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return b, nil
}

// Call is a webhook rendered for one object, ready for Invoke.
type Call struct {
	// Request is the rendered call.
	Request *connectorv1.InvokeRequest
	// Inputs are the values the bindings produced, for run records.
	Inputs map[string]string
}

// Render renders the webhook for one object. data holds the object's values
// by namespace (ad, object, integration, steps); the binding supplies the
// inputs. The first macro without a value fails the render with a
// *macro.RenderError naming the macro and object; nothing is sent then.
func (c *Compiled) Render(b *Binding, data macro.Data, object string, now time.Time) (*Call, error) {
	env := macro.Env{Values: data, Object: object, Now: now}
	inputs := map[string]string{}
	if b != nil {
		for name, t := range b.inputs {
			v, err := t.Value(env)
			if err != nil {
				return nil, fmt.Errorf("input %s: %w", name, err)
			}
			inputs[name] = v
		}
	}
	full := macro.Data{}
	for ns, vals := range data {
		full[ns] = vals
	}
	in := map[string][]string{}
	for k, v := range inputs {
		in[k] = []string{v}
	}
	full[NamespaceInput] = in
	env.Values = full
	render := func(f field) (string, error) {
		s, err := f.tmpl.Render(env, f.ctx)
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.where, err)
		}
		return s, nil
	}
	w := c.Webhook
	rc := &connectorv1.RenderedCall{Method: strings.ToUpper(w.Method), MessageType: w.messageType()}
	var err error
	if rc.Url, err = render(c.url); err != nil {
		return nil, err
	}
	for i, f := range c.headers {
		v, err := render(f)
		if err != nil {
			return nil, err
		}
		rc.Headers = append(rc.Headers, &connectorv1.KeyValue{Name: w.Headers[i].Name, Value: v})
	}
	for i, f := range c.query {
		v, err := render(f)
		if err != nil {
			return nil, err
		}
		rc.Query = append(rc.Query, &connectorv1.KeyValue{Name: w.Query[i].Name, Value: v})
	}
	if c.body != nil {
		v, err := render(*c.body)
		if err != nil {
			return nil, err
		}
		rc.Body = []byte(v)
	}
	req := &connectorv1.InvokeRequest{Call: rc, MaxBodyBytes: AskedBodyBytes}
	if w.Preconfigured {
		req.WebhookId = w.ID
	}
	for i, f := range c.outputs {
		p, err := render(f)
		if err != nil {
			return nil, err
		}
		req.Outputs = append(req.Outputs, &connectorv1.OutputSpec{Name: w.Outputs[i].Name, Path: p})
	}
	for _, st := range w.SuccessStatuses {
		req.SuccessStatuses = append(req.SuccessStatuses, int32(st))
	}
	return &Call{Request: req, Inputs: inputs}, nil
}
