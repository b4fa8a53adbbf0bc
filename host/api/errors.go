package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/idbridge/idbridge/host/store"
)

// Error is an API error with the HTTP status and the stable code clients
// branch on. Handlers return it (or wrap it) to control what the caller
// sees; Message must tell the caller what to do and must not hold secrets.
type Error struct {
	// Status is the HTTP status code.
	Status int `json:"-"`
	// Code is a stable, lower_snake identifier such as "not_found".
	Code string `json:"code"`
	// Message explains the problem to a person.
	Message string `json:"message"`
	// Fields, for refused input, lists every problem with the field it
	// belongs to, so a form shows each next to its field instead of only
	// the first one (see decision 0222).
	Fields []FieldError `json:"fields,omitempty"`
	// Err is the cause, kept for errors.Is/As and the log; never sent.
	Err error `json:"-"`
}

// FieldError is one refused input field.
type FieldError struct {
	// Field is the request's field name as the client sent it, e.g. a
	// setting's key.
	Field string `json:"field"`
	// Message says what is wrong in words, without the value.
	Message string `json:"message"`
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a formatted message. A %w verb in format
// also keeps the wrapped error as the cause.
func Errorf(status int, code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Status: status, Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// BadRequest is a 400 with code "invalid_request", for input a handler
// rejects after decoding.
func BadRequest(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "invalid_request", format, args...)
}

// Errors the server itself produces; their text says what to do.
var (
	errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: "unauthenticated",
		Message: "missing or invalid API token: send \"Authorization: Bearer <token>\" (the first admin token is in the data folder's admin.token)"}
	errNotFoundRoute = &Error{Status: http.StatusNotFound, Code: "not_found",
		Message: "no such API route; GET /v1/openapi.json lists them"}
)

// ErrorFor maps any error to the *Error sent to the client. The second
// result is false when the error is unexpected (a 500), so the caller logs
// it in full.
func ErrorFor(err error) (*Error, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e, true
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error(), Err: err}, true
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: err.Error(), Err: err}, true
	case errors.Is(err, context.Canceled):
		return &Error{Status: 499, Code: "canceled", Message: "the request was canceled by the client", Err: err}, true
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusGatewayTimeout, Code: "timeout", Message: "the operation took too long; try again or narrow it", Err: err}, true
	default:
		return &Error{Status: http.StatusInternalServerError, Code: "internal",
			Message: "internal error; the host log has the details", Err: err}, false
	}
}

// errorBody is the JSON shape of every error answer:
// {"error":{"code":"...","message":"..."}}.
type errorBody struct {
	Error *Error `json:"error"`
}
