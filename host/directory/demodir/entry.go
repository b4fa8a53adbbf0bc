package demodir

import (
	"strconv"
	"strings"
)

// entry is one object of the directory. Attribute keys are lower case;
// values keep the case they were written with.
type entry struct {
	dn    dname
	attrs map[string][]string
	// created orders search results the way they were added (uSNCreated).
	created uint64
	// password is the clear text set through unicodePwd or the seed; it
	// is only ever compared, never returned.
	password string
	// writer marks accounts allowed to write (the admin, a delegated
	// service account), as AD delegation would.
	writer bool
}

// get returns the values of an attribute, including the constructed ones.
func (e *entry) get(key string) []string {
	switch key {
	case "createtimestamp":
		return e.attrs["whencreated"]
	case "modifytimestamp":
		return e.attrs["whenchanged"]
	case "canonicalname":
		return []string{canonicalName(e.dn)}
	}
	return e.attrs[key]
}

// first returns the first value of an attribute or "".
func (e *entry) first(key string) string {
	if v := e.attrs[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// hasClass reports whether objectClass holds c (case-insensitive).
func (e *entry) hasClass(c string) bool {
	for _, v := range e.attrs["objectclass"] {
		if strings.EqualFold(v, c) {
			return true
		}
	}
	return false
}

// uac returns userAccountControl as a number (0 when absent).
func (e *entry) uac() int64 {
	n, _ := strconv.ParseInt(e.first("useraccountcontrol"), 10, 64)
	return n
}

// clone copies an entry so a write can be checked before it is committed.
func (e *entry) clone() *entry {
	c := *e
	c.attrs = make(map[string][]string, len(e.attrs))
	for k, v := range e.attrs {
		c.attrs[k] = append([]string(nil), v...)
	}
	return &c
}

// indexOfValue finds a value using the attribute's matching rule.
func indexOfValue(at *attrType, vals []string, v string) int {
	for i, have := range vals {
		if valuesEqual(at, have, v) {
			return i
		}
	}
	return -1
}

// valuesEqual compares two stored values under an attribute's syntax.
func valuesEqual(at *attrType, a, b string) bool {
	switch at.syntax {
	case synBinary:
		return a == b
	case synDN:
		return normDN(a) == normDN(b)
	case synInt:
		x, err1 := strconv.ParseInt(a, 10, 64)
		y, err2 := strconv.ParseInt(b, 10, 64)
		if err1 == nil && err2 == nil {
			return x == y
		}
		return a == b
	default:
		return strings.EqualFold(a, b)
	}
}
