package demodir

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// AD's extensible matching rules.
const (
	ruleBitAnd  = "1.2.840.113556.1.4.803"
	ruleBitOr   = "1.2.840.113556.1.4.804"
	ruleInChain = "1.2.840.113556.1.4.1941"
)

// tri is the three-valued result of RFC 4511 filter evaluation: a filter on
// an attribute the schema does not know is Undefined, and NOT Undefined is
// still Undefined, so (!(noSuchAttr=x)) matches nothing.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triUndefined
)

// filter is a compiled search filter, evaluated once per candidate entry.
type filter struct {
	tag      ber.Tag
	children []*filter
	key      string // lower-case attribute name
	at       *attrType
	value    string
	num      int64 // value as a number, for integer attributes and bit rules
	numOK    bool
	when     time.Time // value as a time, for generalized-time attributes
	whenOK   bool
	rule     string
	subs     []sub
}

type sub struct {
	tag   ber.Tag
	value string // lower case for string attributes
}

// compileFilter turns a filter string into an evaluable tree using go-ldap's
// parser, so anything a go-ldap client can send is understood the same way.
func compileFilter(s string) (*filter, error) {
	p, err := ldap.CompileFilter(s)
	if err != nil {
		return nil, err
	}
	return fromPacket(p)
}

func fromPacket(p *ber.Packet) (*filter, error) {
	f := &filter{tag: p.Tag}
	switch p.Tag {
	case ldap.FilterAnd, ldap.FilterOr, ldap.FilterNot:
		for _, c := range p.Children {
			cf, err := fromPacket(c)
			if err != nil {
				return nil, err
			}
			f.children = append(f.children, cf)
		}
	case ldap.FilterPresent:
		f.setAttr(p.Data.String())
	case ldap.FilterEqualityMatch, ldap.FilterGreaterOrEqual, ldap.FilterLessOrEqual, ldap.FilterApproxMatch:
		if len(p.Children) != 2 {
			return nil, fmt.Errorf("malformed %s filter", ldap.FilterMap[uint64(p.Tag)])
		}
		f.setAttr(p.Children[0].Data.String())
		f.setValue(p.Children[1].Data.String())
	case ldap.FilterSubstrings:
		f.setAttr(p.Children[0].Data.String())
		for _, c := range p.Children[1].Children {
			v := c.Data.String()
			if f.at == nil || f.at.syntax != synBinary {
				v = strings.ToLower(v)
			}
			f.subs = append(f.subs, sub{tag: c.Tag, value: v})
		}
	case ldap.FilterExtensibleMatch:
		for _, c := range p.Children {
			switch c.Tag {
			case ldap.MatchingRuleAssertionMatchingRule:
				f.rule = c.Data.String()
			case ldap.MatchingRuleAssertionType:
				f.setAttr(c.Data.String())
			case ldap.MatchingRuleAssertionMatchValue:
				f.setValue(c.Data.String())
			}
		}
	default:
		return nil, fmt.Errorf("unsupported filter type %d", p.Tag)
	}
	return f, nil
}

func (f *filter) setAttr(name string) {
	f.key = strings.ToLower(name)
	f.at = lookupAttr(name)
}

func (f *filter) setValue(v string) {
	f.value = v
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		f.num, f.numOK = n, true
	}
	if t, ok := parseGeneralizedTime(v); ok {
		f.when, f.whenOK = t, true
	}
	if f.at != nil && f.at.syntax == synDN {
		f.value = normDN(v)
	}
}

// parseGeneralizedTime accepts the forms clients write: with or without
// fractional seconds, with Z.
func parseGeneralizedTime(v string) (time.Time, bool) {
	for _, layout := range []string{"20060102150405.0Z", "20060102150405Z", "20060102150405.000Z", "200601021504Z"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// match evaluates the filter against an entry.
func (f *filter) match(d *directory, e *entry) tri {
	switch f.tag {
	case ldap.FilterAnd:
		res := triTrue
		for _, c := range f.children {
			switch c.match(d, e) {
			case triFalse:
				return triFalse
			case triUndefined:
				res = triUndefined
			}
		}
		return res
	case ldap.FilterOr:
		res := triFalse
		for _, c := range f.children {
			switch c.match(d, e) {
			case triTrue:
				return triTrue
			case triUndefined:
				res = triUndefined
			}
		}
		return res
	case ldap.FilterNot:
		switch f.children[0].match(d, e) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUndefined
	}
	if f.at == nil {
		return triUndefined
	}
	vals := e.get(f.key)
	if f.at.secret {
		vals = nil // a filter must not reveal a password
	}
	switch f.tag {
	case ldap.FilterPresent:
		return boolTri(len(vals) > 0)
	case ldap.FilterEqualityMatch, ldap.FilterApproxMatch:
		if f.key == "objectcategory" && !strings.Contains(f.value, "=") {
			// AD accepts the short form (objectCategory=person).
			for _, v := range vals {
				if dn, err := parseDN(v); err == nil {
					if _, cn := dn.rdn(); strings.EqualFold(cn, f.value) {
						return triTrue
					}
				}
			}
			return triFalse
		}
		for _, v := range vals {
			if f.equal(v) {
				return triTrue
			}
		}
		return triFalse
	case ldap.FilterGreaterOrEqual, ldap.FilterLessOrEqual:
		ge := f.tag == ldap.FilterGreaterOrEqual
		for _, v := range vals {
			c, ok := f.compare(v)
			if ok && ((ge && c >= 0) || (!ge && c <= 0)) {
				return triTrue
			}
		}
		return triFalse
	case ldap.FilterSubstrings:
		for _, v := range vals {
			if f.substrings(v) {
				return triTrue
			}
		}
		return triFalse
	case ldap.FilterExtensibleMatch:
		return f.extensible(d, e, vals)
	}
	return triUndefined
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// equal compares a stored value with the assertion under the syntax.
func (f *filter) equal(v string) bool {
	switch f.at.syntax {
	case synBinary:
		return v == f.value
	case synDN:
		return strings.ToLower(v) == f.value || normDN(v) == f.value
	case synInt:
		n, err := strconv.ParseInt(v, 10, 64)
		return err == nil && f.numOK && n == f.num
	case synTime:
		t, ok := parseGeneralizedTime(v)
		return ok && f.whenOK && t.Equal(f.when)
	default:
		return strings.EqualFold(v, f.value)
	}
}

// compare orders a stored value against the assertion: numerically for
// integers (uSNChanged), by instant for times, case-insensitively otherwise.
func (f *filter) compare(v string) (int, bool) {
	switch f.at.syntax {
	case synInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !f.numOK {
			return 0, false
		}
		switch {
		case n < f.num:
			return -1, true
		case n > f.num:
			return 1, true
		}
		return 0, true
	case synTime:
		t, ok := parseGeneralizedTime(v)
		if ok && f.whenOK {
			return t.Compare(f.when), true
		}
		return strings.Compare(v, f.value), true
	case synBinary:
		return strings.Compare(v, f.value), true
	default:
		return strings.Compare(strings.ToLower(v), strings.ToLower(f.value)), true
	}
}

// substrings matches initial*any*final in order.
func (f *filter) substrings(v string) bool {
	if f.at.syntax != synBinary {
		v = strings.ToLower(v)
	}
	for i, s := range f.subs {
		switch {
		case s.tag == ldap.FilterSubstringsInitial && i == 0:
			if !strings.HasPrefix(v, s.value) {
				return false
			}
			v = v[len(s.value):]
		case s.tag == ldap.FilterSubstringsFinal:
			if !strings.HasSuffix(v, s.value) {
				return false
			}
			v = v[:len(v)-len(s.value)]
		default:
			j := strings.Index(v, s.value)
			if j < 0 {
				return false
			}
			v = v[j+len(s.value):]
		}
	}
	return true
}

// extensible implements AD's bitwise rules and the in-chain rule; any other
// rule, or none, falls back to equality.
func (f *filter) extensible(d *directory, e *entry, vals []string) tri {
	switch f.rule {
	case ruleBitAnd, ruleBitOr:
		if !f.numOK {
			return triUndefined
		}
		for _, v := range vals {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				continue
			}
			if (f.rule == ruleBitAnd && n&f.num == f.num) || (f.rule == ruleBitOr && n&f.num != 0) {
				return triTrue
			}
		}
		return triFalse
	case ruleInChain:
		switch f.key {
		case "memberof":
			return boolTri(d.inChain(e, "memberof", f.value))
		case "member":
			return boolTri(d.inChain(e, "member", f.value))
		case "manager":
			return boolTri(d.inChain(e, "manager", f.value))
		}
		return triFalse
	case "":
		for _, v := range vals {
			if f.equal(v) {
				return triTrue
			}
		}
		return triFalse
	}
	return triUndefined
}

// inChain follows a link attribute transitively from e and reports whether
// target (a normalised DN) is reached. Cycles are cut by a visited set.
func (d *directory) inChain(e *entry, key, target string) bool {
	seen := map[string]bool{e.dn.key: true}
	queue := []*entry{e}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, v := range cur.attrs[key] {
			k := strings.ToLower(v)
			if k == target {
				return true
			}
			if seen[k] {
				continue
			}
			seen[k] = true
			if next := d.entries[k]; next != nil {
				queue = append(queue, next)
			}
		}
	}
	return false
}
