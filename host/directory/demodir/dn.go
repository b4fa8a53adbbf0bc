package demodir

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// dname is a parsed distinguished name with the two spellings the directory
// needs: the one shown to clients and a normalised key for lookups.
type dname struct {
	parsed *ldap.DN
	// text keeps the case the writer used, as AD does.
	text string
	// key is lower case without optional spaces: two DNs that AD treats as
	// the same object have the same key.
	key string
}

// parseDN parses and normalises a DN. The empty DN (the rootDSE) is valid.
func parseDN(s string) (dname, error) {
	d, err := ldap.ParseDN(s)
	if err != nil {
		return dname{}, err
	}
	return fromParsed(d), nil
}

func fromParsed(d *ldap.DN) dname {
	var b strings.Builder
	for i, r := range d.RDNs {
		if i > 0 {
			b.WriteByte(',')
		}
		for j, a := range r.Attributes {
			if j > 0 {
				b.WriteByte('+')
			}
			// AD spells the short naming attributes in capitals.
			t := a.Type
			switch strings.ToLower(t) {
			case "cn", "ou", "dc", "o", "l", "st", "c":
				t = strings.ToUpper(t)
			}
			b.WriteString(t)
			b.WriteByte('=')
			b.WriteString(escapeRDNValue(a.Value))
		}
	}
	text := b.String()
	return dname{parsed: d, text: text, key: strings.ToLower(text)}
}

// escapeRDNValue escapes a value for the string form of a DN (RFC 4514).
func escapeRDNValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' || c == '=':
			b.WriteByte('\\')
			b.WriteByte(c)
		case (c == ' ' && (i == 0 || i == len(v)-1)) || (c == '#' && i == 0):
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(fmt.Sprintf("\\%02X", c))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// normDN returns the lookup key of a DN, or the lower-cased input when it
// does not parse (so a bad value simply matches nothing).
func normDN(s string) string {
	d, err := parseDN(s)
	if err != nil {
		return strings.ToLower(s)
	}
	return d.key
}

// parent returns the DN one level up; the parent of a single RDN is the
// empty DN.
func (d dname) parent() dname {
	if len(d.parsed.RDNs) == 0 {
		return d
	}
	return fromParsed(&ldap.DN{RDNs: d.parsed.RDNs[1:]})
}

// rdn returns the first attribute type and value of the leftmost RDN.
func (d dname) rdn() (attr, value string) {
	if len(d.parsed.RDNs) == 0 || len(d.parsed.RDNs[0].Attributes) == 0 {
		return "", ""
	}
	a := d.parsed.RDNs[0].Attributes[0]
	return a.Type, a.Value
}

// isUnder reports whether key names base itself or something below it.
func isUnder(key, base string) bool {
	if base == "" {
		return true
	}
	if key == base {
		return true
	}
	return strings.HasSuffix(key, ","+base)
}

// depth counts the RDNs of a normalised key cheaply, for one-level scope.
func depthBelow(key, base string) int {
	if key == base {
		return 0
	}
	rest := key
	if base != "" {
		rest = strings.TrimSuffix(key, ","+base)
	}
	n := 1
	escaped := false
	for i := 0; i < len(rest); i++ {
		switch {
		case escaped:
			escaped = false
		case rest[i] == '\\':
			escaped = true
		case rest[i] == ',':
			n++
		}
	}
	return n
}

// canonicalName renders a DN the way AD's constructed canonicalName does:
// "demo.idbridge.test/Staff/Engineering/Ada Lovelace".
func canonicalName(d dname) string {
	var domain, path []string
	for i := len(d.parsed.RDNs) - 1; i >= 0; i-- {
		a := d.parsed.RDNs[i].Attributes[0]
		if strings.EqualFold(a.Type, "dc") && len(path) == 0 {
			domain = append([]string{a.Value}, domain...)
			continue
		}
		path = append(path, a.Value)
	}
	return strings.Join(domain, ".") + "/" + strings.Join(path, "/")
}
