package directory

import (
	"context"
	"sort"
	"strings"
)

// AttributeType is one attribute of the directory's schema, as a form
// offers it: the name the server spells, and what a value of it may be.
type AttributeType struct {
	// Name is the attribute's first name in the schema, e.g. "employeeID".
	Name string `json:"name"`
	// SingleValued attributes hold one value per object.
	SingleValued bool `json:"singleValued"`
	// ReadOnly attributes are maintained by the server
	// (NO-USER-MODIFICATION); no mapping can write them.
	ReadOnly bool `json:"readOnly,omitempty"`
}

// objectClass is the part of an RFC 4512 object class definition that
// says which attributes its objects may hold.
type objectClass struct {
	sup, aux, attrs []string
}

// userClasses are the structural classes user objects are made of, by
// flavor: the class chain (SUP) and auxiliary classes (AUX) of these are
// followed to the attributes a user may hold.
var userClasses = map[Flavor][]string{
	FlavorAD: {"user"},
	// Windows publishes the auxiliary classes of user (securityPrincipal,
	// mailRecipient) only in classSchema objects, not in the subschema's
	// definitions; naming them keeps sAMAccountName and friends listed.
	// Classes the server does not define are skipped.
	FlavorLDAP: {"inetOrgPerson"},
}

// adUserAuxiliaries are added for Active Directory; see userClasses.
var adUserAuxiliaries = []string{"securityPrincipal", "mailRecipient"}

// UserAttributeTypes lists the attributes a user object may hold under the
// directory's schema (its classes' MUST and MAY, up their SUP chains and
// through their auxiliary classes), sorted by name without regard to case.
// Forms offer them as choices so an admin picks an attribute instead of
// recalling its spelling. When the schema names no user class, every
// attribute type is listed. The schema is read once per client.
func (c *Client) UserAttributeTypes(ctx context.Context) ([]AttributeType, error) {
	s, err := c.loadSchema(ctx)
	if err != nil {
		return nil, err
	}
	roots := userClasses[c.flavor]
	if c.flavor == FlavorAD {
		roots = append(append([]string(nil), roots...), adUserAuxiliaries...)
	}
	names := map[string]bool{}
	seen := map[string]bool{}
	var walk func(class string)
	walk = func(class string) {
		key := strings.ToLower(class)
		oc, ok := s.classDefs[key]
		if !ok || seen[key] {
			return
		}
		seen[key] = true
		for _, a := range oc.attrs {
			names[strings.ToLower(a)] = true
		}
		for _, sup := range oc.sup {
			walk(sup)
		}
		for _, aux := range oc.aux {
			walk(aux)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	out := []AttributeType{}
	add := func(t AttributeType) {
		if t.Name != "" {
			out = append(out, t)
		}
	}
	if len(names) == 0 {
		for _, t := range s.attrTypes {
			add(t)
		}
	} else {
		for n := range names {
			if t, ok := s.attrTypes[n]; ok {
				add(t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// schemaTokens splits an RFC 4512 definition into parentheses, quoted
// strings (without their quotes) and bare words; "$" separators are
// dropped.
func schemaTokens(def string) []string {
	var out []string
	for i := 0; i < len(def); {
		switch ch := def[i]; {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '$':
			i++
		case ch == '(' || ch == ')':
			out = append(out, string(ch))
			i++
		case ch == '\'':
			end := strings.IndexByte(def[i+1:], '\'')
			if end < 0 {
				out = append(out, def[i+1:])
				return out
			}
			out = append(out, def[i+1:i+1+end])
			i += end + 2
		default:
			j := i
			for j < len(def) && !strings.ContainsRune(" \t\n\r$()'", rune(def[j])) {
				j++
			}
			out = append(out, def[i:j])
			i = j
		}
	}
	return out
}

// schemaFields reads the keywords of a tokenized definition: each keyword
// with its value or parenthesized list of values, flags with none.
func schemaFields(tokens []string) map[string][]string {
	out := map[string][]string{}
	// Skip the opening parenthesis and the OID.
	i := 0
	if i < len(tokens) && tokens[i] == "(" {
		i++
	}
	if i < len(tokens) {
		out["OID"] = []string{tokens[i]}
		i++
	}
	for i < len(tokens) {
		kw := tokens[i]
		i++
		if kw == ")" || kw == "(" {
			continue
		}
		switch kw {
		case "NAME", "DESC", "SUP", "AUX", "MUST", "MAY", "SYNTAX", "EQUALITY", "ORDERING", "SUBSTR", "USAGE":
			if i < len(tokens) && tokens[i] == "(" {
				i++
				for i < len(tokens) && tokens[i] != ")" {
					out[kw] = append(out[kw], tokens[i])
					i++
				}
				i++
			} else if i < len(tokens) {
				out[kw] = append(out[kw], tokens[i])
				i++
			}
		default:
			if strings.HasPrefix(kw, "X-") && i < len(tokens) {
				// An extension's value, quoted or a list: skipped.
				if tokens[i] == "(" {
					for i < len(tokens) && tokens[i] != ")" {
						i++
					}
				}
				i++
				continue
			}
			out[kw] = nil // a flag: SINGLE-VALUE, NO-USER-MODIFICATION, ...
		}
	}
	return out
}

// addAttributeType records an attribute type definition under each of its
// names, lower-cased.
func addAttributeType(into map[string]AttributeType, def string) {
	f := schemaFields(schemaTokens(def))
	names := f["NAME"]
	if len(names) == 0 {
		return
	}
	_, single := f["SINGLE-VALUE"]
	_, ro := f["NO-USER-MODIFICATION"]
	t := AttributeType{Name: names[0], SingleValued: single, ReadOnly: ro}
	for _, n := range names {
		into[strings.ToLower(n)] = t
	}
}

// addObjectClass records an object class definition under each name.
func addObjectClass(into map[string]objectClass, def string) {
	f := schemaFields(schemaTokens(def))
	oc := objectClass{sup: f["SUP"], aux: f["AUX"], attrs: append(append([]string(nil), f["MUST"]...), f["MAY"]...)}
	for _, n := range f["NAME"] {
		into[strings.ToLower(n)] = oc
	}
}
