package outbound

import (
	"context"
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/macro"
)

// TestRequest asks for a webhook to be run for real for chosen AD objects.
type TestRequest struct {
	// Webhook is the definition to test: a custom webhook being edited, or
	// only Integration and ID to test a saved or preconfigured one.
	Webhook Webhook `json:"webhook"`
	// Inputs bind the webhook's bare inputs (%email%) to macros
	// (%ad.mail%), as an orchestration step would.
	Inputs map[string]string `json:"inputs,omitempty"`
	// Objects are AD users or groups, by DN or stable id.
	Objects []string `json:"objects"`
	// Save stores the webhook once every call succeeded.
	Save bool `json:"save,omitempty"`
}

// TestCall is the outcome of one call in a test.
type TestCall struct {
	// Object is the DN (or id) the call was rendered for.
	Object   string    `json:"object"`
	Request  *Request  `json:"request,omitempty"`
	Response *Response `json:"response,omitempty"`
	// Outputs are the values later steps could use.
	Outputs map[string][]string `json:"outputs,omitempty"`
	// Error says why the call failed or was not sent, masked.
	Error string `json:"error,omitempty"`
}

// TestResult is the outcome of a test, per object.
type TestResult struct {
	Calls []TestCall `json:"calls"`
	// OK is true when every call succeeded.
	OK bool `json:"ok"`
	// Saved is true when the webhook was saved.
	Saved bool `json:"saved"`
	// NotSaved says why a requested save did not happen.
	NotSaved string `json:"notSaved,omitempty"`
	// Webhook is the definition tested (as saved, when it was).
	Webhook Webhook `json:"webhook"`
}

// Test runs the webhook for each object for real and reports each request as
// sent and its response, secrets masked. The webhook is saved only when
// req.Save is set, it is a custom webhook, and every call succeeded: an
// admin must see it work before it is used by automations.
func (s *Service) Test(ctx context.Context, req TestRequest) (*TestResult, error) {
	if len(req.Objects) == 0 {
		return nil, ErrNoObjects
	}
	w := req.Webhook
	if w.Method == "" && w.URL == "" {
		saved, err := s.Get(ctx, w.Integration, w.ID)
		if err != nil {
			return nil, err
		}
		w = saved
	}
	scope, err := s.Scope(ctx, w.Integration)
	if err != nil {
		return nil, err
	}
	compiled, err := Compile(w, scope)
	if err != nil {
		return nil, err
	}
	binding, err := compiled.Bind(req.Inputs, scope)
	if err != nil {
		return nil, err
	}
	settings, err := s.Values(ctx, w.Integration)
	if err != nil {
		return nil, err
	}
	res := &TestResult{OK: true, Webhook: w}
	for _, ref := range req.Objects {
		call := s.testOne(ctx, compiled, binding, settings, ref)
		if call.Error != "" {
			res.OK = false
		}
		res.Calls = append(res.Calls, call)
	}
	switch {
	case !req.Save:
	case w.Preconfigured:
		res.NotSaved = ErrPreconfigured.Error()
	case !res.OK:
		res.NotSaved = fmt.Sprintf("%v: a call failed; fix the webhook or pick other objects and test again", ErrNotSaved)
	default:
		saved, err := s.Save(ctx, w)
		if err != nil {
			return nil, err
		}
		res.Saved, res.Webhook = true, saved
	}
	return res, nil
}

func (s *Service) testOne(ctx context.Context, c *Compiled, b *Binding, settings map[string][]string, ref string) TestCall {
	m := s.cfg.Masker
	out := TestCall{Object: ref}
	if s.cfg.Objects == nil {
		out.Error = "no directory is configured to look objects up"
		return out
	}
	obj, err := s.cfg.Objects.Lookup(ctx, ref)
	if err != nil {
		out.Error = m.String(err.Error())
		return out
	}
	out.Object = obj.Name()
	data := obj.Data()
	data[macro.NamespaceIntegration] = settings
	call, err := c.Render(b, data, obj.Name(), s.cfg.Now())
	if err != nil {
		out.Error = m.String(err.Error())
		return out
	}
	resp, err := s.Invoke(ctx, c.Webhook.Integration, call.Request)
	if err != nil {
		if ce := AsCallError(err, m); ce != nil {
			out.Request, out.Response = Exchange(ce.App.GetExchange(), m)
			out.Error = ce.Message
		} else {
			out.Error = m.String(err.Error())
		}
		return out
	}
	out.Request, out.Response = Exchange(resp.GetExchange(), m)
	out.Outputs = OutputValues(resp)
	return out
}

// errorsIsNotFound reports a missing webhook, for the API's 404.
func errorsIsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
