package macro

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrMultipleValues marks a multi-valued attribute used where one value is
// needed; the message tells the admin to pick with first() or join().
var ErrMultipleValues = errors.New("macro has several values")

// value is what an expression evaluates to: the values of an attribute (LDAP
// attributes can hold several) or a point in time (now).
type value struct {
	list   []string
	at     time.Time
	isTime bool
}

func text(s string) value { return value{list: []string{s}} }

// single returns the one value, or explains why there is not exactly one.
func (v value) single() (string, error) {
	if v.isTime {
		return v.at.Format(time.RFC3339), nil
	}
	switch len(v.list) {
	case 0:
		return "", ErrMissingValue
	case 1:
		return v.list[0], nil
	default:
		return "", fmt.Errorf("%w: it has %d values; use first(...) or join(..., \",\")", ErrMultipleValues, len(v.list))
	}
}

// empty reports a value that must not be sent: nothing, or only blanks.
func (v value) empty() bool {
	if v.isTime {
		return false
	}
	for _, s := range v.list {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// Values supplies the data a template reads when rendered: the object's AD
// attributes, the integration's settings, earlier steps' outputs. The
// second result is false when the name has no value for this object.
type Values interface {
	Lookup(namespace, name string) ([]string, bool)
}

// Data is the simple Values: namespace → name → values. Names are matched
// exactly first and then case-insensitively, because LDAP attribute names
// are case-insensitive and admins type them either way.
type Data map[string]map[string][]string

// Lookup implements Values.
func (d Data) Lookup(namespace, name string) ([]string, bool) {
	ns, ok := d[namespace]
	if !ok {
		return nil, false
	}
	if v, ok := ns[name]; ok {
		return v, true
	}
	for k, v := range ns {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// Env is what one rendering needs beyond the template: the values, the
// object they belong to (named in every error) and the clock.
type Env struct {
	Values Values
	// Object identifies who the template is rendered for, usually a DN; it
	// appears in errors so the admin knows whom to fix.
	Object string
	// Now is the time now() stands for; the zero value means time.Now().
	// Runs fix it once so every step of an object sees the same instant.
	Now time.Time
}
