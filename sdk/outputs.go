package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

// ErrOutputMissing says that a declared output is not in the app's answer;
// for a lookup ("find user by email") it means nothing matched.
var ErrOutputMissing = errors.New("output not found in the response")

// segment is one step of an output path: a field name, a list index, "[]"
// (every element, first match wins) or "[field=value]" (the element whose
// field equals value).
type segment struct {
	name  string
	index int // -1 unless a numeric step
	all   bool
	field string
	value string
	sel   bool
}

// parseOutputPath parses "a.b[].c", "[email=x@y.z].id", "items.0.id".
// Selector values may contain dots; brackets end them.
func parseOutputPath(p string) ([]segment, error) {
	var segs []segment
	i := 0
	for i < len(p) {
		switch p[i] {
		case '.':
			i++
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("%w: output path %q has an unclosed '['", ErrBadDefinition, p)
			}
			inner := p[i+1 : i+j]
			i += j + 1
			switch {
			case inner == "":
				segs = append(segs, segment{all: true, index: -1})
			case strings.Contains(inner, "="):
				f, v, _ := strings.Cut(inner, "=")
				segs = append(segs, segment{sel: true, field: f, value: v, index: -1})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil {
					return nil, fmt.Errorf("%w: output path %q: [%s] is neither [], [n] nor [field=value]", ErrBadDefinition, p, inner)
				}
				segs = append(segs, segment{index: n})
			}
		default:
			j := strings.IndexAny(p[i:], ".[")
			if j < 0 {
				j = len(p) - i
			}
			name := p[i : i+j]
			i += j
			if n, err := strconv.Atoi(name); err == nil {
				segs = append(segs, segment{index: n, name: name})
			} else {
				segs = append(segs, segment{name: name, index: -1})
			}
		}
	}
	return segs, nil
}

// lookup walks v along segs.
func lookup(v any, segs []segment) (any, bool) {
	if len(segs) == 0 {
		return v, true
	}
	s, rest := segs[0], segs[1:]
	switch {
	case s.all:
		list, ok := v.([]any)
		if !ok {
			return nil, false
		}
		for _, el := range list {
			if out, ok := lookup(el, rest); ok {
				return out, true
			}
		}
		return nil, false
	case s.sel:
		list, ok := v.([]any)
		if !ok {
			return nil, false
		}
		for _, el := range list {
			obj, ok := el.(map[string]any)
			if ok && scalarString(obj[s.field]) == s.value {
				return lookup(el, rest)
			}
		}
		return nil, false
	case s.index >= 0:
		if list, ok := v.([]any); ok {
			if s.index < len(list) {
				return lookup(list[s.index], rest)
			}
			return nil, false
		}
		if obj, ok := v.(map[string]any); ok && s.name != "" {
			el, ok := obj[s.name]
			if !ok {
				return nil, false
			}
			return lookup(el, rest)
		}
		return nil, false
	default:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		el, ok := obj[s.name]
		if !ok {
			return nil, false
		}
		return lookup(el, rest)
	}
}

// scalarString renders a JSON scalar for [field=value] comparison; an
// e-mail selector should match regardless of how the number or bool looks.
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	return ""
}

// namedPath is one output to extract.
type namedPath struct{ name, path string }

// extractOutputs evaluates each output path on body. A missing output is an
// ErrOutputMissing naming it.
func extractOutputs(body []byte, outs []namedPath) (*structpb.Struct, error) {
	res := &structpb.Struct{Fields: map[string]*structpb.Value{}}
	if len(outs) == 0 {
		return res, nil
	}
	if res, ok := extractNamedOutputs(body, outs); ok {
		return res, nil
	}
	var doc any
	jsonErr := json.Unmarshal(body, &doc)
	for _, o := range outs {
		if o.path == "" {
			if jsonErr != nil {
				res.Fields[o.name] = structpb.NewStringValue(string(body))
				continue
			}
		} else if jsonErr != nil {
			return nil, fmt.Errorf("%w: output %q: the response is not JSON", ErrOutputMissing, o.name)
		}
		segs, err := parseOutputPath(o.path)
		if err != nil {
			return nil, err
		}
		v, ok := lookup(doc, segs)
		if !ok {
			return nil, fmt.Errorf("%w: output %q has nothing at path %q", ErrOutputMissing, o.name, o.path)
		}
		pv, err := structpb.NewValue(v)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", o.name, err)
		}
		res.Fields[o.name] = pv
	}
	return res, nil
}

// extractNamedOutputs finds outputs whose paths are field names only
// ("id", "a.b") by stepping over everything else in body: an app may
// answer a small write with a large document (Clockify's add-user returns
// the whole workspace, every membership included), and decoding all of it
// to read one field cost more CPU than the rest of the call. Only the
// output's value is decoded strictly; what comes before it is checked for
// structure, what comes after is not read, and of a field named twice the
// first counts. It reports false, to let the full decoding answer (and
// word any error), when a path is of another kind or an output is not
// found as a JSON value. See decision 0276.
func extractNamedOutputs(body []byte, outs []namedPath) (*structpb.Struct, bool) {
	res := &structpb.Struct{Fields: make(map[string]*structpb.Value, len(outs))}
	for _, o := range outs {
		path, ok := fieldNames(o.path)
		if !ok {
			return nil, false
		}
		s := &jsonScanner{data: body}
		found, err := s.seek(path, nil)
		if err != nil || !found {
			return nil, false
		}
		s.peek()
		start := s.pos
		if err := s.skip(); err != nil {
			return nil, false
		}
		var v any
		if err := json.Unmarshal(body[start:s.pos], &v); err != nil {
			return nil, false
		}
		pv, err := structpb.NewValue(v)
		if err != nil {
			return nil, false
		}
		res.Fields[o.name] = pv
	}
	return res, true
}

// fieldNames splits a dotted path made of field names only ("id",
// "meta.total"), which jsonScanner.seek can follow, and reports false for
// an empty path or one with list steps ("a[].b", "[k=v]", "items.0": a
// number may be an index or a name, which only the decoded document
// tells).
func fieldNames(path string) ([]string, bool) {
	if path == "" {
		return nil, false
	}
	names := strings.Split(path, ".")
	for _, name := range names {
		if name == "" || strings.ContainsAny(name, "[]") {
			return nil, false
		}
		if _, err := strconv.Atoi(name); err == nil {
			return nil, false
		}
	}
	return names, true
}
