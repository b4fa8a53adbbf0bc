package inbound

import (
	"errors"
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

var (
	// ErrNotTested refuses a save of a definition that has not passed a test
	// in its current form within TestMarkTTL.
	ErrNotTested = errors.New("the endpoint has not passed a test in its current form: run test and save (inbound test --save) and save the definition that passed")
	// ErrTestNotRecorded reports a test that passed but whose mark the store
	// refused, so the definition cannot be saved on the strength of it.
	ErrTestNotRecorded = errors.New("the endpoint test passed but the host could not record it, so it cannot be saved yet: check the host's store (disk space, permissions, database errors in the log) and test again")
	// ErrTestFailed marks a test whose call failed or returned no records
	// the host could read.
	ErrTestFailed = errors.New("the endpoint test failed")
	// ErrPreconfigured refuses edits and removal of a connector's own
	// endpoints, which change only with the connector.
	ErrPreconfigured = errors.New("preconfigured endpoints belong to the connector and cannot be changed or removed; add a custom endpoint instead")
	// ErrCustomUnsupported refuses custom endpoints on a connector that does
	// not accept them.
	ErrCustomUnsupported = errors.New("this connector does not accept custom endpoints")
	// ErrUnknownEndpoint names an endpoint that neither the connector nor the
	// admin defined.
	ErrUnknownEndpoint = errors.New("unknown inbound endpoint: list the integration's endpoints with `idbridge inbound list`")
)

// InvalidError lists every problem of a definition at once.
type InvalidError struct {
	// Problems are "field: what is wrong" lines.
	Problems []string
}

// Error implements error.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("the endpoint definition is not valid: %s", strings.Join(e.Problems, "; "))
}

// TestError is a failed test: the call's error (already masked) with the
// exchange when the connector reported one, so the admin sees what the app
// answered.
type TestError struct {
	// Result holds what the failed test saw.
	Result *TestResult
	// Msg says what went wrong and what to do.
	Msg string
}

// Error implements error.
func (e *TestError) Error() string { return "the endpoint test failed: " + e.Msg }

// Unwrap lets callers test for ErrTestFailed.
func (e *TestError) Unwrap() error { return ErrTestFailed }

// Fields lists each "field: what is wrong" problem with its field, so a
// form shows it beside the input (see decisions 0222 and 0228). Fields
// are the definition's JSON names ("url", "paging.pageParam",
// "headers[0].name").
func (e *InvalidError) Fields() []api.FieldError {
	var out []api.FieldError
	for _, p := range e.Problems {
		field, msg, ok := strings.Cut(p, ": ")
		if !ok || strings.ContainsAny(field, " ") {
			continue
		}
		out = append(out, api.FieldError{Field: field, Message: msg})
	}
	return out
}
