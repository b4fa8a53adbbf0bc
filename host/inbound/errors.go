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
	ErrNotTested = errors.New("the endpoint has not passed a test in its current form: use test and save, which saves the definition that passed")
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
	ErrUnknownEndpoint = errors.New("unknown inbound endpoint: the integration's list of endpoints shows the ids")
)

// InvalidError lists every problem of a definition at once.
type InvalidError struct {
	// Problems are "field: what is wrong" lines, the field as the
	// definition's JSON path ("headers[0].value").
	Problems []string
}

// Error implements error. Each problem names its field in words
// ("Header 1 value, line 1, column 2: ..."), never by its JSON path,
// which stays in Fields. See decision 0271.
func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p
		if field, msg, ok := cutField(p); ok {
			parts[i] = api.Labelled(api.FieldLabel(field, definitionLabels), msg)
		}
	}
	return fmt.Sprintf("the endpoint definition is not valid: %s", strings.Join(parts, "; "))
}

// definitionLabels name a definition's fields as the admin guide and the
// console's endpoint form do.
var definitionLabels = map[string]string{
	"id":                "ID",
	"url":               "URL",
	"recordsPath":       "Records path",
	"primaryKey":        "Primary key",
	"headers[]":         "Header #",
	"query[]":           "Query parameter #",
	"paging":            "Paging",
	"paging.kind":       "Paging",
	"paging.pageParam":  "Page parameter",
	"paging.sizeParam":  "Page size parameter",
	"paging.pageSize":   "Page size",
	"paging.firstPage":  "First page",
	"paging.cursorPath": "Cursor path",
}

// cutField splits a "field: what is wrong" problem; a problem whose
// first words are not a field path is not split.
func cutField(p string) (field, msg string, ok bool) {
	field, msg, ok = strings.Cut(p, ": ")
	if !ok || strings.ContainsAny(field, " ") {
		return "", p, false
	}
	return field, msg, true
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
		field, msg, ok := cutField(p)
		if !ok {
			continue
		}
		out = append(out, api.FieldError{Field: field, Message: msg})
	}
	return out
}
