package orchestration

import (
	"errors"
	"fmt"
	"github.com/idbridge/idbridge/host/api"
	"strings"
)

var (
	// ErrNotFound is a template or run that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrLoop is a template whose branches can come back to a step; it
	// would never finish, so it is refused at save.
	ErrLoop = errors.New("the steps form a loop")
	// ErrNotWaiting refuses Approve on a run that does not wait for it.
	ErrNotWaiting = errors.New("the run is not waiting for approval")
	// ErrNotRetryable refuses Retry on a run that is waiting for approval
	// or canceled.
	ErrNotRetryable = errors.New("only running or finished runs can be retried")
	// ErrFinished refuses to change a run that has finished.
	ErrFinished = errors.New("the run has finished")
	// ErrInDoubt dead-letters a call a crash left in doubt when nothing
	// tells whether it took effect.
	ErrInDoubt = errors.New("the call may already have reached the app and the step can neither verify nor safely resend it; check the app, then retry or skip it (declare verify on the step or use an idempotent webhook to resolve this automatically)")
)

// InvalidError lists every problem of a template, so the admin fixes them
// in one pass.
type InvalidError struct {
	Template string
	// Problems name each step by its number and name. See decision 0229.
	Problems []string
	// Fields are the same problems under JSON paths ("steps[1].condition")
	// for the API's structured error.
	Fields []api.FieldError
}

// Error implements error.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("template %s is not valid: %s", e.Template, strings.Join(e.Problems, "; "))
}

// Unwrap exposes ErrLoop when a loop is among the problems.
func (e *InvalidError) Unwrap() error {
	for _, p := range e.Problems {
		if strings.HasPrefix(p, ErrLoop.Error()) {
			return ErrLoop
		}
	}
	return nil
}
