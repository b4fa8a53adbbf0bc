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
	Problems []string
}

// Error implements error.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("webhook %s is not valid: %s", e.Webhook, strings.Join(e.Problems, "; "))
}

// problemFields are the webhook's JSON fields by the words a problem
// starts with, so a form can show each problem beside its field (see
// decisions 0222 and 0228). Longer prefixes come first.
var problemFields = []struct{ prefix, field string }{
	{"message type", "messageType"},
	{"a GET call cannot have a body", "body"},
	{"an idempotent webhook", "verify"},
	{"every output", "outputs"},
	{"output ", "outputs"},
	{"verify", "verify"},
	{"header ", "headers"},
	{"query ", "query"},
	{"method", "method"},
	{"body", "body"},
	{"name", "name"},
	{"url", "url"},
	{"id ", "id"},
}

// Fields lists each problem with the webhook field it belongs to; a
// problem no field is known for is left out (it stays in the message).
func (e *InvalidError) Fields() []api.FieldError {
	var out []api.FieldError
	for _, p := range e.Problems {
		for _, f := range problemFields {
			if strings.HasPrefix(p, f.prefix) {
				out = append(out, api.FieldError{Field: f.field, Message: p})
				break
			}
		}
	}
	return out
}
