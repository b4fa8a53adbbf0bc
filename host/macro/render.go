package macro

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

type evalEnv struct {
	Env
	now time.Time
}

// clock fixes the instant now() stands for on first use, so templates
// without now() never read the clock.
func (ev *evalEnv) clock() time.Time {
	if ev.now.IsZero() {
		ev.now = time.Now()
	}
	return ev.now.UTC()
}

// missingRef carries which reference had no value, so the error can name
// it even when it is nested inside functions.
type missingRef struct{ ref string }

func (m *missingRef) Error() string { return m.ref + " has no value" }

// Unwrap makes a missing reference an ErrMissingValue.
func (m *missingRef) Unwrap() error { return ErrMissingValue }

// Render produces the text of the template for one object, escaping each
// macro's value for the place the text goes (see [Context]). It fails on the
// first macro without a value; the error names the macro and env.Object.
func (t *Template) Render(env Env, c Context) (string, error) {
	ev := &evalEnv{Env: env, now: env.Now}
	var out strings.Builder
	esc := newEscaper(c)
	for _, s := range t.Segments {
		if s.Expr == nil {
			out.WriteString(s.Text)
			esc.literal(s.Text)
			continue
		}
		v, err := ev.segment(s)
		if err != nil {
			return "", err
		}
		escaped, err := esc.value(v)
		if err != nil {
			return "", &RenderError{Kind: err, Macro: s.Source, Object: env.Object, Detail: err.Error()}
		}
		out.WriteString(escaped)
	}
	return out.String(), nil
}

// Value renders a template that is used as a value rather than as text, such
// as a data-source custom format: no escaping, same strictness.
func (t *Template) Value(env Env) (string, error) { return t.Render(env, Text) }

// segment evaluates one macro to the single, non-empty string it stands for.
func (ev *evalEnv) segment(s Segment) (string, error) {
	v, err := ev.eval(s.Expr)
	if err == nil && v.empty() {
		err = &missingRef{ref: s.Expr.String()}
	}
	var str string
	if err == nil {
		str, err = v.single()
	}
	if err == nil {
		return str, nil
	}
	re := &RenderError{Macro: s.Source, Object: ev.Object}
	var m *missingRef
	switch {
	case errors.As(err, &m):
		re.Kind = ErrMissingValue
		re.Ref = m.ref
	case errors.Is(err, ErrMissingValue):
		re.Kind = ErrMissingValue
	case errors.Is(err, ErrMultipleValues):
		re.Kind = ErrMultipleValues
		re.Detail = strings.TrimPrefix(err.Error(), ErrMultipleValues.Error()+": ")
	default:
		re.Kind = err
		re.Detail = "cannot be rendered (" + err.Error() + ")"
	}
	return "", re
}

func (ev *evalEnv) eval(n Node) (value, error) {
	switch n := n.(type) {
	case *Lit:
		return text(n.Value), nil
	case *Ref:
		if n.Namespace == "" {
			if n.Name == "now" {
				return value{at: ev.clock(), isTime: true}, nil
			}
			return value{}, fmt.Errorf("%w: %s", ErrUnknownMacro, n.Name)
		}
		if ev.Values == nil {
			return value{}, &missingRef{ref: n.String()}
		}
		vals, ok := ev.Values.Lookup(n.Namespace, n.Name)
		v := value{list: vals}
		if !ok || v.empty() {
			return value{}, &missingRef{ref: n.String()}
		}
		return v, nil
	case *Call:
		return ev.call(n)
	}
	return value{}, fmt.Errorf("%w: unexpected node %T", ErrSyntax, n)
}

func (ev *evalEnv) call(c *Call) (value, error) {
	f, ok := functions[c.Name]
	if !ok {
		return value{}, fmt.Errorf("%w: %s", ErrUnknownFunction, c.Name)
	}
	if !f.arityOK(len(c.Args)) {
		return value{}, fmt.Errorf("%w: %s takes %s", ErrArguments, c.Name, arityText(f))
	}
	if c.Name == "default" {
		// Lazy on purpose: only a missing or empty first argument selects
		// the fallback; any other failure (a bad date) still fails the step.
		v, err := ev.eval(c.Args[0])
		if err == nil && !v.empty() {
			return v, nil
		}
		if err != nil && !errors.Is(err, ErrMissingValue) {
			return value{}, err
		}
		return ev.eval(c.Args[1])
	}
	args := make([]value, len(c.Args))
	for i, a := range c.Args {
		v, err := ev.eval(a)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	return f.call(ev, args)
}
