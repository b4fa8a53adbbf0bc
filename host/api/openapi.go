package api

import (
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// wildcard matches a net/http pattern wildcard: {name}, {name...} or {$}.
var wildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)?(\.\.\.)?(\$)?\}`)

// OpenAPI returns the OpenAPI 3.0 document of every registered route, so
// the published description cannot drift from what the server serves.
func (s *Server) OpenAPI() map[string]any {
	routes := s.Routes()
	sort.SliceStable(routes, func(i, j int) bool { return routes[i].Pattern < routes[j].Pattern })
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]any{}
	for _, r := range routes {
		path, params := openAPIPath(r.Pattern)
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		op := map[string]any{
			"summary":     r.Summary,
			"operationId": OperationID(r),
			"x-min-role":  r.MinRole.String(),
			"responses":   responses(g, r),
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.Request != nil {
			op["requestBody"] = map[string]any{
				"required": true,
				"content":  map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.Request))}},
			}
		}
		item[strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi":  "3.0.3",
		"info":     map[string]any{"title": s.opts.Title, "version": s.opts.Version},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         g.withError(),
		},
	}
}

// openAPIPath turns "/v1/files/{path...}" into "/v1/files/{path}" and
// lists its path parameters.
func openAPIPath(pattern string) (string, []any) {
	var params []any
	path := wildcard.ReplaceAllStringFunc(pattern, func(m string) string {
		sub := wildcard.FindStringSubmatch(m)
		if sub[3] != "" { // {$}: exact match marker, not a parameter
			return ""
		}
		params = append(params, map[string]any{
			"name": sub[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"},
		})
		return "{" + sub[1] + "}"
	})
	return path, params
}

// OperationID is the route's OpenAPI operationId, e.g. "getIntegrationsId"
// for GET /v1/integrations/{id}: the method and the pattern's words. The
// generated Go client names its methods after it, so a route has one name
// in the document and in code (decision 0265).
func OperationID(r Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for _, part := range strings.FieldsFunc(r.Pattern, func(c rune) bool { return c == '/' || c == '{' || c == '}' || c == '.' || c == '-' || c == '$' }) {
		if part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// responses lists exactly the statuses the route answers: its success
// status, the error statuses it declares or the server adds, and a
// default for the rest (500, 499, and the statuses a domain error maps
// to when the route does not declare them).
func responses(g *schemaGen, r Route) map[string]any {
	success := map[string]any{"description": statusDescription(r.SuccessStatus())}
	if r.Response != nil && r.SuccessStatus() != http.StatusNoContent {
		success["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.Response))}}
	}
	out := map[string]any{
		strconv.Itoa(r.SuccessStatus()): success,
		"default":                       errorResponse("error"),
	}
	for _, code := range r.ErrorStatuses() {
		out[strconv.Itoa(code)] = errorResponse(statusDescription(code))
	}
	return out
}

// errorResponse is an answer carrying the Error body.
func errorResponse(description string) map[string]any {
	return map[string]any{
		"description": description,
		"content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Error"}}},
	}
}

// statusDescriptions say, for the statuses every route shares, what the
// caller did to earn them; others take net/http's status text.
var statusDescriptions = map[int]string{
	http.StatusUnauthorized:          "missing or invalid token",
	http.StatusForbidden:             "the token's role is too low",
	http.StatusBadRequest:            "the request is not valid for this route",
	http.StatusRequestEntityTooLarge: "the request body is too large",
}

func statusDescription(code int) string {
	if d, ok := statusDescriptions[code]; ok {
		return d
	}
	return http.StatusText(code)
}

// schemaGen derives JSON schemas from Go types by reflection, naming
// structs as components so that shared types appear once.
type schemaGen struct {
	defs map[string]any
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return g.object(t)
	}
	return map[string]any{} // interface{}: any value
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	name := t.Name()
	if name == "" {
		return g.properties(t)
	}
	ref := map[string]any{"$ref": "#/components/schemas/" + name}
	if _, done := g.defs[name]; !done {
		g.defs[name] = map[string]any{} // placeholder stops recursion
		g.defs[name] = g.properties(t)
	}
	return ref
}

func (g *schemaGen) properties(t reflect.Type) map[string]any {
	props := map[string]any{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				for k, v := range g.properties(f.Type)["properties"].(map[string]any) {
					props[k] = v
				}
				continue
			}
			name = f.Name
		}
		props[name] = g.schema(f.Type)
	}
	return map[string]any{"type": "object", "properties": props}
}

func (g *schemaGen) withError() map[string]any {
	g.defs["Error"] = map[string]any{
		"type":     "object",
		"required": []string{"error"},
		"properties": map[string]any{"error": map[string]any{
			"type":     "object",
			"required": []string{"code", "message"},
			"properties": map[string]any{
				"code":    map[string]any{"type": "string"},
				"message": map[string]any{"type": "string"},
				"fields":  g.schema(reflect.TypeOf([]FieldError{})),
			},
		}},
	}
	return g.defs
}

var textMarshaler = reflect.TypeOf((*interface{ MarshalText() ([]byte, error) })(nil)).Elem()
