package mapping

import (
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/macro"
)

// recordValues lets formats read a joined record through macro.Values.
type recordValues struct {
	p *Planner
	e *entry
}

// Lookup implements macro.Values: record.path takes the first endpoint with
// a value, alias.path that endpoint.
func (rv recordValues) Lookup(ns, name string) ([]string, bool) {
	raw := rv.raw(ns, name)
	return splitMulti(raw), raw != ""
}

// raw is the compact form of a field: "" when missing, several values
// joined by multiSep.
func (rv recordValues) raw(ns, name string) string {
	if ns == macro.NamespaceRecord {
		for _, s := range rv.p.merged[name] {
			if v := rv.e.vals[s]; v != "" {
				return v
			}
		}
		return ""
	}
	if s, ok := rv.p.byAlias[ns][name]; ok {
		return rv.e.vals[s]
	}
	return ""
}

func (p *Planner) fieldRaw(e *entry, f FieldRef) string {
	ns := macro.NamespaceRecord
	if f.Endpoint != "" {
		ns = f.Endpoint
	}
	return recordValues{p, e}.raw(ns, f.Path)
}

func (p *Planner) fieldValues(e *entry, f FieldRef) []string {
	return splitMulti(p.fieldRaw(e, f))
}

// value evaluates a mapping for a record: one value, or an explanation of
// why there is none.
func (p *Planner) value(c compiled, e *entry) (string, string) {
	if c.format != nil {
		s, err := c.format.Value(macro.Env{Values: recordValues{p, e}, Object: "record " + e.key})
		if err != nil {
			return "", err.Error()
		}
		return s, ""
	}
	raw := p.fieldRaw(e, c.field)
	switch n := strings.Count(raw, multiSep) + 1; {
	case raw == "":
		return "", c.label + " has no value"
	case n == 1:
		return raw, ""
	default:
		return "", fmt.Sprintf("%s has %d values; use a custom format with first(...) or join(...)", c.label, n)
	}
}

func (p *Planner) isActive(e *entry) bool {
	if p.active == nil {
		return true
	}
	raw := p.fieldRaw(e, p.active.field)
	if raw == "" {
		return false
	}
	for v := range strings.SplitSeq(raw, multiSep) { // no slice for the usual single value
		if p.active.fold {
			v = strings.ToLower(v)
		}
		if p.active.values[v] {
			return true
		}
	}
	return false
}

// matchValues are the record's values to look up, raw (for display and for
// writing on create) and normalised.
func (p *Planner) matchValues(e *entry) (raw, norm []string, why string) {
	if p.match.format != nil {
		s, reason := p.value(p.match, e)
		if reason != "" {
			return nil, nil, reason
		}
		raw = []string{s}
	} else {
		raw = p.fieldValues(e, p.match.field)
		if len(raw) == 0 {
			return nil, nil, p.match.label + " has no value"
		}
	}
	if len(raw) == 1 { // the usual case needs no duplicate check
		if n := p.normMatch(raw[0]); n != "" {
			return raw, []string{n}, ""
		}
		return nil, nil, p.match.label + " has no value"
	}
	seen := map[string]bool{}
	for _, r := range raw {
		n := p.normMatch(r)
		if n != "" && !seen[n] {
			seen[n] = true
			norm = append(norm, n)
		}
	}
	if len(norm) == 0 {
		return nil, nil, p.match.label + " has no value"
	}
	return raw, norm, ""
}
