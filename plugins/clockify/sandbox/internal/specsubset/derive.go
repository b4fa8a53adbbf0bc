package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Operation names one method on one path of the official document.
type Operation struct {
	Method string // lower case, as in OpenAPI
	Path   string
}

// Served lists every operation the sandbox answers with a 2xx. Routes the
// sandbox answers only with 405 are not in the official document and so
// not here.
var Served = []Operation{
	{"get", "/v1/user"},
	{"get", "/v1/workspaces"},
	{"get", "/v1/workspaces/{workspaceId}"},
	{"get", "/v1/workspaces/{workspaceId}/users"},
	{"post", "/v1/workspaces/{workspaceId}/users"},
	{"post", "/v1/workspaces/{workspaceId}/users/info"},
	{"put", "/v1/workspaces/{workspaceId}/users/{userId}"},
	{"delete", "/v1/workspaces/{workspaceId}/users/{userId}"},
	{"put", "/v1/workspaces/{workspaceId}/users/{userId}/custom-field/{customFieldId}/value"},
	{"post", "/v1/workspaces/{workspaceId}/users/{userId}/roles"},
	{"delete", "/v1/workspaces/{workspaceId}/users/{userId}/roles"},
	{"get", "/v1/workspaces/{workspaceId}/users/{userId}/managers"},
	{"get", "/v1/workspaces/{workspaceId}/projects"},
	{"post", "/v1/workspaces/{workspaceId}/projects"},
	{"get", "/v1/workspaces/{workspaceId}/custom-fields"},
	{"get", "/v1/workspaces/{workspaceId}/user-groups"},
	{"post", "/v1/workspaces/{workspaceId}/user-groups"},
	{"put", "/v1/workspaces/{workspaceId}/user-groups/{id}"},
	{"delete", "/v1/workspaces/{workspaceId}/user-groups/{id}"},
	{"post", "/v1/workspaces/{workspaceId}/user-groups/{userGroupId}/users"},
	{"delete", "/v1/workspaces/{workspaceId}/user-groups/{userGroupId}/users/{userId}"},
}

// prose are keywords that only explain; they are dropped wherever they are
// keywords (not where they name a property).
var prose = map[string]bool{"description": true, "summary": true, "example": true, "examples": true, "tags": true, "externalDocs": true}

// nameMaps are keywords whose object's keys are names chosen by the spec's
// authors, so a key there called "description" is a name, not prose.
var nameMaps = map[string]bool{"properties": true, "schemas": true, "paths": true, "responses": true, "content": true,
	"headers": true, "securitySchemes": true, "parameters": true, "requestBodies": true, "mapping": true, "encoding": true,
	"variables": true, "links": true, "callbacks": true, "patternProperties": true}

// Derive builds the subset document for ops from the full document. The
// output is deterministic (keys sorted, two-space indent, final newline) so
// that a test can compare it byte for byte with the committed copy.
func Derive(full []byte, ops []Operation) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(full, &doc); err != nil {
		return nil, fmt.Errorf("parse the official spec: %w", err)
	}
	paths, _ := doc["paths"].(map[string]any)
	components, _ := doc["components"].(map[string]any)
	if paths == nil || components == nil {
		return nil, fmt.Errorf("the official spec has no paths or components; is it an OpenAPI 3 document?")
	}

	outPaths := map[string]any{}
	security := map[string]bool{}
	for _, op := range ops {
		item, _ := paths[op.Path].(map[string]any)
		operation, _ := item[op.Method].(map[string]any)
		if operation == nil {
			return nil, fmt.Errorf("the official spec has no %s %s; update Served", strings.ToUpper(op.Method), op.Path)
		}
		clean := strip(operation, "").(map[string]any)
		delete(clean, "servers") // hosts; the sandbox has its own
		if reqs, ok := clean["security"].([]any); ok {
			for _, r := range reqs {
				for name := range r.(map[string]any) {
					security[name] = true
				}
			}
		}
		outItem, _ := outPaths[op.Path].(map[string]any)
		if outItem == nil {
			outItem = map[string]any{}
			outPaths[op.Path] = outItem
		}
		outItem[op.Method] = clean
	}

	// Pull in every schema referenced, transitively.
	schemas, _ := components["schemas"].(map[string]any)
	outSchemas := map[string]any{}
	queue := refs(outPaths)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if _, done := outSchemas[name]; done {
			continue
		}
		s, ok := schemas[name]
		if !ok {
			return nil, fmt.Errorf("the official spec references missing schema %q", name)
		}
		clean := strip(s, "")
		outSchemas[name] = clean
		queue = append(queue, refs(clean)...)
	}

	schemes, _ := components["securitySchemes"].(map[string]any)
	outSchemes := map[string]any{}
	for name := range security {
		if sc, ok := schemes[name]; ok {
			outSchemes[name] = strip(sc, "")
		}
	}

	info, _ := doc["info"].(map[string]any)
	out := map[string]any{
		"openapi": doc["openapi"],
		"info": map[string]any{
			"title":   info["title"],
			"version": info["version"],
		},
		"servers":    []any{map[string]any{"url": "/api"}},
		"paths":      outPaths,
		"components": map[string]any{"schemas": outSchemas, "securitySchemes": outSchemes},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// responseEntry marks a response object while stripping.
const responseEntry = "\x00response"

// strip copies v without prose keywords. parent is the keyword v sits
// under, which tells whether v's keys are keywords or names.
func strip(v any, parent string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, child := range t {
			// A response's description is required by OpenAPI 3.0, so the
			// one-word status text ("OK") stays.
			if !nameMaps[parent] && prose[k] && !(parent == responseEntry && k == "description") {
				continue
			}
			if !nameMaps[parent] && strings.HasPrefix(k, "x-") {
				continue
			}
			next := k
			if nameMaps[parent] {
				next = "" // a named entry: its keys are keywords again
				if parent == "responses" {
					next = responseEntry
				}
			}
			out[k] = strip(child, next)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, child := range t {
			out[i] = strip(child, "")
		}
		return out
	}
	return v
}

// refs returns the schema names referenced anywhere in v, sorted.
func refs(v any) []string {
	seen := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if r, ok := t["$ref"].(string); ok {
				if name, ok := strings.CutPrefix(r, "#/components/schemas/"); ok {
					seen[name] = true
				}
			}
			for _, c := range t {
				walk(c)
			}
		case []any:
			for _, c := range t {
				walk(c)
			}
		}
	}
	walk(v)
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
