package cli

import (
	"errors"
	"net/http"
)

// Exit codes, so scripts can tell failures apart without parsing text.
const (
	// ExitOK means success.
	ExitOK = 0
	// ExitFailure is any failure without a more specific code.
	ExitFailure = 1
	// ExitUsage means the command line was wrong.
	ExitUsage = 2
	// ExitAuth means the token is missing, invalid or lacks the role.
	ExitAuth = 3
	// ExitNotFound means the object named does not exist.
	ExitNotFound = 4
	// ExitConflict means the object changed or already exists.
	ExitConflict = 5
	// ExitUnavailable means the host could not be reached or is not ready.
	ExitUnavailable = 6
)

// ExitError carries the exit code a failure should end the process with.
type ExitError struct {
	// Code is the process exit code.
	Code int
	// Err is what to print.
	Err error
}

// Error implements error.
func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode returns the exit code for err: ExitOK for nil, the code of an
// ExitError or an APIError, ExitFailure otherwise.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Status {
		case http.StatusUnauthorized, http.StatusForbidden:
			return ExitAuth
		case http.StatusNotFound:
			return ExitNotFound
		case http.StatusConflict:
			return ExitConflict
		case http.StatusServiceUnavailable:
			return ExitUnavailable
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			return ExitUsage
		}
	}
	return ExitFailure
}
