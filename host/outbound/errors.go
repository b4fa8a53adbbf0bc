package outbound

import (
	"errors"
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

var (
	// ErrNotFound is a webhook that is neither preconfigured by the
	// integration's connector nor saved as a custom one.
	ErrNotFound = errors.New("no such webhook: list the integration's webhooks to see the ids")
	// ErrPreconfigured refuses to change or delete a connector's own
	// webhook; save a custom copy under another id instead.
	ErrPreconfigured = errors.New("preconfigured webhooks belong to the connector and cannot be changed; save a custom webhook under another id")
	// ErrInput is an input binding that does not match the webhook.
	ErrInput = errors.New("webhook input")
	// ErrNoObjects is a test without any AD object to run for.
	ErrNoObjects = errors.New("pick at least one AD user or group (by DN or id) to test the webhook with")
	// ErrNotSaved explains a test-and-save that ran but did not save.
	ErrNotSaved = errors.New("not saved")
)

// InvalidError lists what is wrong with a webhook, all at once, so the admin
// fixes everything in one pass.
type InvalidError struct {
	Webhook  string
	Problems []Problem
}

// Problem is one thing wrong with a webhook: the field it is about, as
// the API's JSON path and in words, and what is wrong. The message reads
// the problem after its label ("URL: required", "Header X-Tag, line 1,
// column 3: unknown macro ..."); the API's fields carry the path and the
// problem alone, so a form writes its own label before it. See decisions
// 0229 and 0271.
type Problem struct {
	// Field is the webhook's JSON path: "url", "headers[0].value".
	Field string
	// Label names the field in words: "URL", "Header X-Tag".
	Label string
	// Message says what is wrong, without the field's name.
	Message string
}

// String is the problem after its label.
func (p Problem) String() string { return api.Labelled(p.Label, p.Message) }

// Error implements error.
func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("webhook %s is not valid: %s", e.Webhook, strings.Join(parts, "; "))
}

// Fields lists each problem with the webhook field it belongs to (see
// decisions 0222 and 0228).
func (e *InvalidError) Fields() []api.FieldError {
	out := make([]api.FieldError, 0, len(e.Problems))
	for _, p := range e.Problems {
		out = append(out, api.FieldError{Field: p.Field, Message: p.Message})
	}
	return out
}
