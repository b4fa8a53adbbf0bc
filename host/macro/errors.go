package macro

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors let callers branch on the kind of mistake with errors.Is
// while the message carries the detail.
var (
	// ErrSyntax marks a template that cannot be parsed.
	ErrSyntax = errors.New("macro syntax error")
	// ErrUnknownMacro marks a reference to a namespace or name that does not
	// exist in the place the template is used.
	ErrUnknownMacro = errors.New("unknown macro")
	// ErrUnknownFunction marks a call to a function the language lacks.
	ErrUnknownFunction = errors.New("unknown function")
	// ErrArguments marks a call with the wrong number or kind of arguments.
	ErrArguments = errors.New("wrong arguments")
	// ErrMissingValue marks a macro with no value for the object at run time.
	// The step must fail rather than send an empty string.
	ErrMissingValue = errors.New("macro has no value")
	// ErrUnsafeValue marks a value that cannot be placed safely where the
	// macro stands, such as a line break in an HTTP header.
	ErrUnsafeValue = errors.New("value cannot be used here")
	// ErrFunction marks a function that failed on its input, such as a date
	// that cannot be read.
	ErrFunction = errors.New("function failed")
)

// Error is one problem in a template, with where it is and, when we can
// guess, what the admin meant.
type Error struct {
	Kind       error
	Pos        Pos
	Msg        string
	Suggestion string
}

// Error implements error as "line 1, column 2: message — did you mean
// ...?": the words an admin reads in a form, not an editor's "1:2:".
// See decision 0229.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d, column %d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	if e.Suggestion != "" {
		fmt.Fprintf(&b, " — did you mean %s?", e.Suggestion)
	}
	return b.String()
}

// Unwrap exposes the kind for errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

// ErrorList gathers every problem of a template so the admin fixes them all
// in one save rather than one per attempt.
type ErrorList []*Error

// Error implements error, one problem per line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes every problem to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// RenderError explains why a macro could not be rendered for an object. Its
// text names both, because the admin reading a failed run needs to know
// which user to fix and which attribute is missing.
type RenderError struct {
	Kind   error
	Macro  string
	Object string
	// Ref is the reference without a value when it is nested in functions
	// (ad.employeeID in %lower(ad.employeeID)%).
	Ref    string
	Detail string
}

// Error implements error, e.g. "%ad.employeeID% has no value for CN=Bob,...".
func (e *RenderError) Error() string {
	obj := e.Object
	if obj == "" {
		obj = "this object"
	}
	if e.Detail != "" {
		return fmt.Sprintf("%s %s for %s", e.Macro, e.Detail, obj)
	}
	msg := fmt.Sprintf("%s has no value for %s", e.Macro, obj)
	if e.Ref != "" && "%"+e.Ref+"%" != e.Macro {
		msg += " (" + e.Ref + " is missing or empty; wrap it in default(...) if a fallback is acceptable)"
	}
	return msg
}

// Unwrap exposes the kind for errors.Is.
func (e *RenderError) Unwrap() error { return e.Kind }

// In names the field a template error belongs to by the label the admin
// sees ("Body", "the mapping to 'mail'"), so the message reads "Body, line
// 1, column 2: unknown macro ...". Every problem of an ErrorList gets the
// label, one per line (condition errors too, as they share the wording). The
// result wraps err for errors.Is and errors.As. See decision 0229.
func In(label string, err error) error {
	if err == nil || label == "" {
		return err
	}
	return &labeled{label: label, err: err}
}

type labeled struct {
	label string
	err   error
}

func (l *labeled) Error() string {
	lines := strings.Split(l.err.Error(), "\n")
	for i, line := range lines {
		sep := ": "
		if strings.HasPrefix(line, "line ") {
			sep = ", "
		}
		lines[i] = l.label + sep + line
	}
	return strings.Join(lines, "\n")
}

func (l *labeled) Unwrap() error { return l.err }
