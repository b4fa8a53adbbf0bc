package httpexec

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrCallFailed is wrapped by every *Error, so callers can test for a failed
// call with errors.Is without caring about the details.
var ErrCallFailed = errors.New("app call failed")

// Error is a call that did not succeed after every retry the rules allow:
// either the app answered with a status outside the success set, or the
// network failed. It keeps what the app said so that a host can show it.
type Error struct {
	Method string
	URL    string
	// Status is the HTTP status of the last answer; 0 for a network error.
	Status int
	Header http.Header
	Body   []byte
	// AppMessage and AppCode are what the ErrorDecoder read from the body.
	AppMessage string
	AppCode    string
	// RetryAfter is the wait the app asked for, if it said so.
	RetryAfter time.Duration
	// Attempts counts the requests sent, retries included.
	Attempts int
	Duration time.Duration
	// Err is the network or context error, when there was no answer.
	Err error
	// Sent is the last request as it went out, when one was built.
	Sent *http.Request
}

// Error says what was called, what the app answered and after how many
// attempts, without the query (see redact).
func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s %s: no answer after %d attempt(s): %v", e.Method, e.URL, e.Attempts, e.Err)
	}
	msg := e.AppMessage
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.AppCode != "" {
		msg += " (app code " + e.AppCode + ")"
	}
	return fmt.Sprintf("%s %s: HTTP %d after %d attempt(s): %s", e.Method, e.URL, e.Status, e.Attempts, msg)
}

// Unwrap exposes ErrCallFailed and the underlying network error.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrCallFailed, e.Err}
	}
	return []error{ErrCallFailed}
}
