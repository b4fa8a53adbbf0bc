package sdk

import (
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/types/known/structpb"
)

// projection is the set of top-level record fields the host asked for
// (FetchRequest.fields); nil keeps every field. Projecting at the top level
// only keeps the rule simple for authors and hosts alike — a path's whole
// first field travels — while still dropping the wide parts of typical app
// records (settings blocks, pictures, custom field lists) that cost most of
// the encoding and decoding time.
type projection map[string]bool

// newProjection builds the projection for dotted paths such as
// "memberships[].membershipStatus" or "[email=x].id"; no paths means no
// projection.
func newProjection(paths []string) projection {
	if len(paths) == 0 {
		return nil
	}
	p := projection{}
	for _, path := range paths {
		first, _, _ := strings.Cut(path, ".")
		if i := strings.IndexByte(first, '['); i >= 0 {
			first = first[:i]
		}
		if first == "" {
			return nil // a path into the record itself wants everything
		}
		p[first] = true
	}
	return p
}

// keeps reports whether the top-level field name travels.
func (p projection) keeps(name string) bool { return p == nil || p[name] }

// readProjected reads the next JSON value as a record, keeping only the
// projected top-level fields of an object.
func readProjected(dec *jsontext.Decoder, p projection) (*structpb.Struct, error) {
	if p == nil || dec.PeekKind() != '{' {
		v, err := readValue(dec)
		if err != nil {
			return nil, err
		}
		if st := v.GetStructValue(); st != nil {
			return st, nil
		}
		return &structpb.Struct{Fields: map[string]*structpb.Value{"value": v}}, nil
	}
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
		v, err := readValue(dec)
		if err != nil {
			return nil, err
		}
		fields[name] = v
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	return &structpb.Struct{Fields: fields}, nil
}
