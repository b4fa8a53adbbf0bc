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

// exitByCode maps the host's stable error codes (the "code" field of an
// error answer) to exit codes. The code decides, never the message's
// wording; the HTTP status is the fallback for codes not listed here.
var exitByCode = map[string]int{
	"invalid_request":     ExitUsage,
	"invalid_source":      ExitUsage,
	"body_too_large":      ExitUsage,
	"archive_too_large":   ExitFailure,
	"extension_refused":   ExitFailure,
	"untrusted_extension": ExitFailure,
	"upload_stalled":      ExitFailure,
	"pinned_publisher":    ExitConflict,
	"pinned_key":          ExitConflict,
}

// ExitCode returns the exit code for err: ExitOK for nil, the code of an
// ExitError, for an APIError the one its error code maps to (else its
// status's), ExitFailure otherwise.
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
		if code, ok := exitByCode[ae.Code]; ok {
			return code
		}
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
