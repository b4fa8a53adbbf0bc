package sdk

import (
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/types/known/structpb"
)

// projection is the tree of record fields the host asked for
// (FetchRequest.fields). A nil projection keeps everything below it; a
// non-nil one keeps only its keys, each with its own projection. A list
// applies its projection to every element, so
// "memberships[].membershipStatus" keeps only that field of each
// membership. Dropping what the host will not read, before encoding,
// saves the connector and the host most of the work on wide records
// (settings blocks, pictures, rates and custom field lists).
type projection map[string]projection

// newProjection builds the projection for dotted paths such as
// "email" or "memberships[].membershipStatus"; no paths means no
// projection. A segment with a selector ("[email=x]") keeps that field
// whole, since the selector reads fields the path does not name.
func newProjection(paths []string) projection {
	if len(paths) == 0 {
		return nil
	}
	root := projection{}
	for _, path := range paths {
		if !root.add(strings.Split(path, ".")) {
			return nil // a path into the record itself wants everything
		}
	}
	return root
}

// add records one path; it reports false when the path names the record
// itself (empty, or a selector at the top).
func (p projection) add(segs []string) bool {
	node := p
	for i, seg := range segs {
		name, rest, hasBracket := strings.Cut(seg, "[")
		if name == "" {
			return i > 0
		}
		child, seen := node[name]
		last := i == len(segs)-1
		selector := hasBracket && strings.TrimSuffix(rest, "]") != ""
		switch {
		case seen && child == nil:
			return true // already kept whole
		case last || selector:
			node[name] = nil
			return true
		case !seen:
			child = projection{}
			node[name] = child
		}
		node = child
	}
	return true
}

// fieldFilter is a projection made for matching names as the scanner
// reads them: a handful of names compared in a row costs less than
// hashing every name of every record, which the projected fetch did for
// each of a page's thousands of fields.
type fieldFilter struct {
	names []string
	subs  []*fieldFilter // nil keeps all below that name
	index map[string]int // for long lists of names only
}

// linearNames is how many names fieldFilter compares in a row before it
// uses a map instead.
const linearNames = 12

// compile makes the fieldFilter of p; nil keeps all.
func (p projection) compile() *fieldFilter {
	if p == nil {
		return nil
	}
	f := &fieldFilter{}
	for name, sub := range p {
		f.names = append(f.names, name)
		f.subs = append(f.subs, sub.compile())
	}
	if len(f.names) > linearNames {
		f.index = make(map[string]int, len(f.names))
		for i, n := range f.names {
			f.index[n] = i
		}
	}
	return f
}

// find reports whether name is kept, with the filter below it.
func (f *fieldFilter) find(name []byte) (*fieldFilter, bool) {
	if f.index != nil {
		i, ok := f.index[string(name)]
		if !ok {
			return nil, false
		}
		return f.subs[i], true
	}
	for i, n := range f.names {
		if n == string(name) {
			return f.subs[i], true
		}
	}
	return nil, false
}

// keeps reports whether the field name travels.
func (p projection) keeps(name string) bool {
	if p == nil {
		return true
	}
	_, ok := p[name]
	return ok
}

// child is the projection below name; nil keeps all of it.
func (p projection) child(name string) projection {
	if p == nil {
		return nil
	}
	return p[name]
}

// readProjected reads the next JSON value as a record, keeping only the
// projected fields. A record that is not an object is kept whole: the
// host's field paths name fields of objects, and {"value": v} is only how
// such a record travels.
func readProjected(dec *jsontext.Decoder, p projection) (*structpb.Struct, error) {
	if dec.PeekKind() != '{' {
		p = nil
	}
	v, err := readValueProjected(dec, p)
	if err != nil {
		return nil, err
	}
	if st := v.GetStructValue(); st != nil {
		return st, nil
	}
	return &structpb.Struct{Fields: map[string]*structpb.Value{"value": v}}, nil
}

// readValueProjected is readValue that prunes objects, and the objects in
// lists, to p.
func readValueProjected(dec *jsontext.Decoder, p projection) (*structpb.Value, error) {
	switch {
	case p == nil:
		return readValue(dec)
	case dec.PeekKind() == '{':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		fields := make(map[string]*structpb.Value, len(p))
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String()
			if !p.keeps(name) {
				if err := dec.SkipValue(); err != nil {
					return nil, err
				}
				continue
			}
			v, err := readValueProjected(dec, p.child(name))
			if err != nil {
				return nil, err
			}
			fields[name] = v
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		return structpb.NewStructValue(&structpb.Struct{Fields: fields}), nil
	case dec.PeekKind() == '[':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		var items []*structpb.Value
		for dec.PeekKind() != ']' {
			v, err := readValueProjected(dec, p)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		return structpb.NewListValue(&structpb.ListValue{Values: items}), nil
	}
	return readValue(dec)
}
