package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels for errors.Is; each problem's message says what to fix.
var (
	// ErrInvalid marks a data source refused at save time.
	ErrInvalid = errors.New("data source is not valid")
	// ErrUnknownField marks a field no endpoint declares.
	ErrUnknownField = errors.New("unknown field")
	// ErrUnknownAttribute marks an LDAP attribute the directory schema lacks.
	ErrUnknownAttribute = errors.New("unknown LDAP attribute")
	// ErrMissingKey marks an endpoint whose fields lack its primary key.
	ErrMissingKey = errors.New("primary key missing")
	// ErrBadFormat marks a custom format that does not check.
	ErrBadFormat = errors.New("bad custom format")
	// ErrBadPath marks a malformed field path.
	ErrBadPath = errors.New("bad field path")
	// ErrUnknownEndpoint marks records fed for an alias the data source
	// does not have.
	ErrUnknownEndpoint = errors.New("unknown endpoint")
)

// Problem is one thing wrong with a data source. Where is a path into the
// definition ("mappings[2].attribute") so the console can point at it.
type Problem struct {
	Kind       error
	Where      string
	Msg        string
	Suggestion string
}

// Error implements error.
func (p Problem) Error() string {
	s := p.Where + ": " + p.Msg
	if p.Suggestion != "" {
		s += " (did you mean " + p.Suggestion + "?)"
	}
	return s
}

// Unwrap exposes the kind.
func (p Problem) Unwrap() error { return p.Kind }

// ValidationError is every problem of a data source, returned at once.
type ValidationError struct {
	DataSource string
	Problems   []Problem
}

// Error implements error.
func (v *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "data source %q is not valid:", v.DataSource)
	for _, p := range v.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap exposes ErrInvalid and every problem's kind.
func (v *ValidationError) Unwrap() []error {
	out := []error{ErrInvalid}
	for _, p := range v.Problems {
		out = append(out, p)
	}
	return out
}
