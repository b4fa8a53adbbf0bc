package demodir

import (
	"errors"
	"fmt"
)

// ErrInvalidOptions reports Options that cannot start a server; the message
// names the field to fix.
var ErrInvalidOptions = errors.New("demodir: invalid options")

// ErrInvalidSeed reports seed data the directory refused; the wrapped
// ResultError says which object and why.
var ErrInvalidSeed = errors.New("demodir: invalid seed")

// ResultError is an LDAP result code with the diagnostic text sent to the
// client. The directory's write methods return it so the same code reaches
// a Go caller (seeding) and an LDAP client.
type ResultError struct {
	// Code is the LDAP result code, e.g. 68 entryAlreadyExists.
	Code int
	// Message is the diagnostic message; it says what to change.
	Message string
}

// Error implements error.
func (e *ResultError) Error() string {
	return fmt.Sprintf("LDAP result %d: %s", e.Code, e.Message)
}

// resultErr builds a ResultError with a formatted message.
func resultErr(code int, format string, args ...any) *ResultError {
	return &ResultError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// asResult converts any error to a ResultError, treating unknown ones as
// operationsError.
func asResult(err error) *ResultError {
	var re *ResultError
	if errors.As(err, &re) {
		return re
	}
	return &ResultError{Code: 1, Message: err.Error()}
}
