package mapping

import (
	"errors"
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/macro"
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
// definition ("mappings[2].attribute") so the console can point at it;
// Label names the same place in the admin's words ("LDAP attribute of the
// mapping to 'mail'") for the message. See decision 0229.
type Problem struct {
	Kind       error
	Where      string
	Label      string
	Msg        string
	Suggestion string
}

// Message is what is wrong, with the suggestion, without the place: the
// text shown beside the field itself.
func (p Problem) Message() string {
	if p.Suggestion != "" {
		return p.Msg + " — did you mean " + p.Suggestion + "?"
	}
	return p.Msg
}

// Error implements error as "Label: message", each line of a custom
// format's problems under the label ("Custom format of the mapping to
// 'mail', line 1, column 2: ...").
func (p Problem) Error() string {
	label := p.Label
	if label == "" {
		label = p.Where
	}
	if label != "" {
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	return macro.In(label, errors.New(p.Message())).Error()
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
