package mapping

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// path is a compiled field path: "a.b" walks objects, "a[].b" fans out over
// every element of the array a.
type path []pathStep

type pathStep struct {
	key   string
	array bool
}

func parsePath(s string) (path, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty field path", ErrBadPath)
	}
	parts := strings.Split(s, ".")
	p := make(path, 0, len(parts))
	for _, part := range parts {
		st := pathStep{key: part}
		if strings.HasSuffix(part, "[]") {
			st = pathStep{key: strings.TrimSuffix(part, "[]"), array: true}
		}
		if st.key == "" || strings.ContainsAny(st.key, "[]") {
			return nil, fmt.Errorf("%w: %q: write a.b for nested fields and a[].b for every element of a list", ErrBadPath, s)
		}
		p = append(p, st)
	}
	return p, nil
}

// asList is the path with its last step fanned out over a list, used to
// explain a primary key that holds a list.
func (p path) asList() path {
	q := append(path(nil), p...)
	q[len(q)-1].array = true
	return q
}

// values appends the scalar values found at the path, formatted as text.
func (p path) values(v any, out []string) []string {
	if len(p) == 0 {
		if s, ok := scalarText(v); ok {
			out = append(out, s)
		}
		return out
	}
	m, ok := v.(map[string]any)
	if !ok {
		return out
	}
	next, ok := m[p[0].key]
	if !ok {
		return out
	}
	if !p[0].array {
		return p[1:].values(next, out)
	}
	list, ok := next.([]any)
	if !ok {
		return out
	}
	for _, el := range list {
		out = p[1:].values(el, out)
	}
	return out
}

// scalarText renders a JSON scalar the way it would be written to LDAP.
// Objects and lists are not values; nulls and empty strings are missing.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, strings.TrimSpace(v) != ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case int32:
		return strconv.FormatInt(int64(v), 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), true
	}
	return "", false
}
