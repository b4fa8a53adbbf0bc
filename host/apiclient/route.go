package apiclient

import (
	"net/url"
	"strings"
)

// Route names one operation of the API: its method and its net/http
// pattern, exactly as the host's route table declares them. The generated
// Route* values let callers check permissions against the route table or
// send a raw request without writing a path literal.
type Route struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Pattern is the route's pattern, e.g. "/v1/integrations/{id}".
	Pattern string
}

// Path fills the pattern's wildcards, in order, with args, escaping each
// so that an ID holding "/" or "?" stays one path segment. A {name...}
// wildcard keeps the slashes of its argument. Path panics when the number
// of args does not match the wildcards: that is a programming error the
// generated methods cannot make.
func (r Route) Path(args ...string) string {
	var b strings.Builder
	rest := r.Pattern
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			break
		}
		name := rest[i+1 : i+j]
		b.WriteString(rest[:i])
		rest = rest[i+j+1:]
		if name == "$" {
			continue
		}
		if len(args) == 0 {
			panic("apiclient: " + r.Pattern + " needs more path arguments")
		}
		arg := args[0]
		args = args[1:]
		if strings.HasSuffix(name, "...") {
			parts := strings.Split(arg, "/")
			for k, p := range parts {
				parts[k] = url.PathEscape(p)
			}
			b.WriteString(strings.Join(parts, "/"))
			continue
		}
		b.WriteString(url.PathEscape(arg))
	}
	if len(args) > 0 {
		panic("apiclient: " + r.Pattern + " takes fewer path arguments")
	}
	return b.String()
}

// String is "METHOD pattern", as the route table and the audit log write it.
func (r Route) String() string { return r.Method + " " + r.Pattern }
