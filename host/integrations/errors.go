package integrations

import (
	"errors"
	"fmt"
	"strings"
)

// ErrDisabled is returned when an enabled integration is needed.
var ErrDisabled = errors.New("the integration is disabled: enable it first")

// ErrUnknownSchema is returned when settings are saved before the
// connector could describe them.
var ErrUnknownSchema = errors.New("the connector's settings are not known yet: check that its extension is installed and its plugin starts")

// ErrConnectorUnavailable is returned when the integration's plugin cannot
// be started or does not answer; the wrapped error says why (a changed
// binary, a crash loop, a timeout).
var ErrConnectorUnavailable = errors.New("the connector is unavailable")

// Problem is one invalid setting.
type Problem struct {
	// Key is the setting (or request field) at fault.
	Key string `json:"key"`
	// Message says what is wrong; it never quotes a secret value.
	Message string `json:"message"`
}

// ValidationError lists every problem with a save, so an admin fixes them
// in one go rather than one per attempt.
type ValidationError struct {
	// Problems lists every invalid setting, sorted by key.
	Problems []Problem
}

// Error implements error.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Key + ": " + p.Message
	}
	return "invalid settings: " + strings.Join(parts, "; ")
}

// TestFailedError is returned by Enable when the connection test fails;
// Result says which checks failed and what to do.
type TestFailedError struct {
	// Integration is the integration that was not enabled.
	Integration string
	// Result is the failed test, also saved as the integration's LastTest.
	Result *TestResult
}

// Error implements error.
func (e *TestFailedError) Error() string {
	var failed []string
	for _, c := range e.Result.Checks {
		if c.Status == "failed" {
			s := c.Name + ": " + c.Message
			if c.Remedy != "" {
				s += " (" + c.Remedy + ")"
			}
			failed = append(failed, s)
		}
	}
	if len(failed) == 0 {
		failed = []string{"the connector reported failure without details"}
	}
	return fmt.Sprintf("integration %s was not enabled: the connection test failed: %s", e.Integration, strings.Join(failed, "; "))
}
