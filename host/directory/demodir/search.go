package demodir

import (
	"sort"
	"strings"
)

// searchRequest is what the directory needs from an LDAP search.
type searchRequest struct {
	base      string
	scope     int64
	filter    *filter
	attrs     []string
	typesOnly bool
	// showDeleted is AD's show-deleted control: tombstones are included.
	showDeleted bool
}

// result is one entry ready to be written to the client.
type result struct {
	dn    string
	attrs []resultAttr
}

type resultAttr struct {
	name string
	vals []string
}

// find returns the keys of matching entries in creation order (stable
// between pages), or noSuchObject when the base does not exist.
func (d *directory) find(req searchRequest) ([]string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	base, err := parseDN(req.base)
	if err != nil {
		return nil, resultErr(34, "the search base %q is not a valid DN", req.base)
	}
	if b, ok := d.entries[base.key]; !ok || (isDeleted(b) && !req.showDeleted) {
		return nil, &ResultError{Code: 32, Message: "the search base " + base.text + " does not exist; matched " + d.closestExisting(base)}
	}
	// The configuration partition is its own naming context on AD: a
	// subtree search of the domain does not descend into it.
	skipConfig := !isUnder(base.key, d.configKey)
	var hits []*entry
	for key, e := range d.entries {
		switch req.scope {
		case 0:
			if key != base.key {
				continue
			}
		case 1:
			if !isUnder(key, base.key) || depthBelow(key, base.key) != 1 {
				continue
			}
		default:
			if !isUnder(key, base.key) {
				continue
			}
		}
		if skipConfig && isUnder(key, d.configKey) {
			continue
		}
		if !req.showDeleted && isDeleted(e) {
			continue
		}
		if req.filter.match(d, e) == triTrue {
			hits = append(hits, e)
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].created < hits[j].created })
	keys := make([]string, len(hits))
	for i, e := range hits {
		keys[i] = e.dn.key
	}
	return keys, nil
}

// render copies the selected attributes of the entries still present.
// Entries deleted since find are skipped, as a paged search on AD does.
func (d *directory) render(keys []string, attrs []string, typesOnly bool) []result {
	sel := newSelection(attrs)
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]result, 0, len(keys))
	for _, k := range keys {
		e := d.entries[k]
		if e == nil {
			continue
		}
		out = append(out, result{dn: e.dn.text, attrs: sel.apply(e, typesOnly)})
	}
	return out
}

// selection is the attribute list of a search, resolved once.
type selection struct {
	all         bool // "*" or nothing asked
	operational bool // "+"
	named       []string
}

func newSelection(attrs []string) selection {
	var s selection
	if len(attrs) == 0 {
		s.all = true
	}
	for _, a := range attrs {
		switch a {
		case "*":
			s.all = true
		case "+":
			s.operational = true
		case "1.1":
			// RFC 4511: no attributes.
		default:
			s.named = append(s.named, strings.ToLower(a))
		}
	}
	return s
}

// apply lists the selected attributes in schema spelling; secret ones are
// never returned.
func (s selection) apply(e *entry, typesOnly bool) []resultAttr {
	var out []resultAttr
	seen := make(map[string]bool)
	emit := func(key string) {
		if seen[key] {
			return
		}
		seen[key] = true
		at := schema[key]
		if at == nil || at.secret {
			return
		}
		vals := e.get(key)
		if len(vals) == 0 {
			return
		}
		if typesOnly {
			vals = nil
		}
		out = append(out, resultAttr{name: at.name, vals: vals})
	}
	if s.all {
		keys := make([]string, 0, len(e.attrs))
		for k := range e.attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			emit(k)
		}
	}
	if s.operational {
		for k, at := range schema {
			if at.operational {
				emit(k)
			}
		}
	}
	for _, k := range s.named {
		emit(k)
	}
	return out
}
