package sdk

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/types/known/structpb"
)

// Records are decoded straight from JSON tokens into structpb values: no
// intermediate map[string]any, no reflection. This is the hot path of every
// sync (100,000 users are 100,000 records), and building the protobuf
// values directly roughly halves the allocations of json.Unmarshal followed
// by structpb.NewStruct.

// errNotList says that the records path does not hold a list.
var errNotList = errors.New("records are not a JSON list")

// decodeRecords calls emit for each record of the list at path in body.
// A missing path or a null yields no records; a record that is not an
// object is wrapped as {"value": record}.
func decodeRecords(body []byte, path []string, emit func(*structpb.Struct) error) (int, error) {
	return walkRecords(body, path, func(dec *jsontext.Decoder) error {
		v, err := readValue(dec)
		if err != nil {
			return err
		}
		st := v.GetStructValue()
		if st == nil {
			st = &structpb.Struct{Fields: map[string]*structpb.Value{"value": v}}
		}
		return emit(st)
	})
}

// walkRecords positions a decoder on each record of the list at path in
// body and calls read, which must consume exactly that record.
func walkRecords(body []byte, path []string, read func(*jsontext.Decoder) error) (int, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true))
	found, err := seek(dec, path)
	if err != nil || !found {
		return 0, err
	}
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		return 0, err
	case '[':
	default:
		return 0, fmt.Errorf("%w at %q (found %v); set the endpoint's records path to the list", errNotList, joinPath(path), dec.PeekKind())
	}
	if _, err := dec.ReadToken(); err != nil {
		return 0, err
	}
	n := 0
	for dec.PeekKind() != ']' {
		if err := read(dec); err != nil {
			return n, fmt.Errorf("record %d: %w", n, err)
		}
		n++
	}
	_, err = dec.ReadToken()
	return n, err
}

// seek advances dec to the value at path, reporting whether it exists.
func seek(dec *jsontext.Decoder, path []string) (bool, error) {
	for _, key := range path {
		if dec.PeekKind() != '{' {
			return false, nil
		}
		if _, err := dec.ReadToken(); err != nil {
			return false, err
		}
		found := false
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return false, err
			}
			if name.String() == key {
				found = true
				break
			}
			if err := dec.SkipValue(); err != nil {
				return false, err
			}
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// readValue reads one JSON value as a structpb.Value.
func readValue(dec *jsontext.Decoder) (*structpb.Value, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return structpb.NewNullValue(), nil
	case 't', 'f':
		return structpb.NewBoolValue(tok.Bool()), nil
	case '"':
		return structpb.NewStringValue(tok.String()), nil
	case '0':
		return structpb.NewNumberValue(tok.Float()), nil
	case '{':
		fields := make(map[string]*structpb.Value, 8)
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String() // a token is void after the next read
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			fields[name] = v
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		return structpb.NewStructValue(&structpb.Struct{Fields: fields}), nil
	case '[':
		var items []*structpb.Value
		for dec.PeekKind() != ']' {
			v, err := readValue(dec)
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
	return nil, fmt.Errorf("unexpected JSON token %v", tok.Kind())
}

// splitDotted splits a dotted path; "" is the root.
func splitDotted(p string) []string {
	if p == "" {
		return nil
	}
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

func joinPath(p []string) string {
	var b bytes.Buffer
	for i, s := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}
