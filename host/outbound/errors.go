package outbound

import (
	"errors"
	"fmt"
	"strings"
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
