package sdk

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/go-json-experiment/json/jsontext"
)

// The fast path of Fetch: records go from the app's JSON straight to the
// protobuf wire form of google.protobuf.Struct, with no structpb objects in
// between and no reflection. Building ~30 Value objects per record and then
// marshalling them reflectively cost the plugin most of its CPU; writing the
// bytes directly costs a small fraction. The result is byte-compatible with
// proto.Marshal of the same FetchResponse, so the host cannot tell.

// Field numbers of google.protobuf.Struct, Value and ListValue, and of
// FetchResponse; they are frozen by the protobuf compatibility rules.
const (
	wireBytes   = 2 // length-delimited wire type
	wireVarint  = 0
	wireFixed64 = 1

	structFields = 1 // Struct.fields (map entry: key = 1, value = 2)
	entryKey     = 1
	entryValue   = 2
	valueNull    = 1
	valueNumber  = 2
	valueString  = 3
	valueBool    = 4
	valueStruct  = 5
	valueList    = 6
	listValues   = 1

	fetchRecords  = 1
	fetchPage     = 2
	fetchExchange = 3
)

// wireWriter appends protobuf wire data. Nested messages are written in
// place and their length prefixed afterwards, shifting the payload by the
// few bytes the varint takes: records are shallow, so this is cheaper than
// sizing every message first.
type wireWriter struct {
	buf     []byte
	scratch []byte // unquoted strings
	starts  []int
	proj    projection // fields to keep; nil keeps all
}

func tag(field, wt int) uint64 { return uint64(field)<<3 | uint64(wt) }

// begin opens a length-delimited field.
func (w *wireWriter) begin(field int) {
	w.buf = binary.AppendUvarint(w.buf, tag(field, wireBytes))
	w.starts = append(w.starts, len(w.buf))
}

// end closes the innermost open field, inserting its length.
func (w *wireWriter) end() {
	start := w.starts[len(w.starts)-1]
	w.starts = w.starts[:len(w.starts)-1]
	n := len(w.buf) - start
	var lenBuf [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(lenBuf[:], uint64(n))
	w.buf = append(w.buf, lenBuf[:k]...) // grow by k
	copy(w.buf[start+k:], w.buf[start:start+n])
	copy(w.buf[start:], lenBuf[:k])
}

func (w *wireWriter) bytesField(field int, b []byte) {
	w.buf = binary.AppendUvarint(w.buf, tag(field, wireBytes))
	w.buf = binary.AppendUvarint(w.buf, uint64(len(b)))
	w.buf = append(w.buf, b...)
}

func (w *wireWriter) varintField(field int, v uint64) {
	w.buf = binary.AppendUvarint(w.buf, tag(field, wireVarint))
	w.buf = binary.AppendUvarint(w.buf, v)
}

// record writes the next JSON value of dec as one FetchResponse.records
// element; a value that is not an object becomes {"value": v}, as in the
// structpb path.
func (w *wireWriter) record(dec *jsontext.Decoder) error {
	w.begin(fetchRecords)
	if dec.PeekKind() == '{' {
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		if err := w.object(dec, w.proj); err != nil {
			return err
		}
	} else {
		w.begin(structFields)
		w.bytesField(entryKey, []byte("value"))
		w.begin(entryValue)
		if err := w.value(dec, nil); err != nil {
			return err
		}
		w.end()
		w.end()
	}
	w.end()
	return nil
}

// object writes Struct fields for an object whose '{' was read, keeping
// only the fields proj keeps (nil keeps all).
func (w *wireWriter) object(dec *jsontext.Decoder, proj projection) error {
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if w.scratch, err = jsontext.AppendUnquote(w.scratch[:0], name); err != nil {
			return err
		}
		var sub projection
		if proj != nil {
			var kept bool
			if sub, kept = proj[string(w.scratch)]; !kept {
				if err := dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
		}
		w.begin(structFields)
		w.bytesField(entryKey, w.scratch)
		w.begin(entryValue)
		if err := w.value(dec, sub); err != nil {
			return err
		}
		w.end()
		w.end()
	}
	_, err := dec.ReadToken()
	return err
}

// value writes the fields of a google.protobuf.Value for the next JSON
// value, pruning objects (and the objects in lists) to proj.
func (w *wireWriter) value(dec *jsontext.Decoder, proj projection) error {
	switch k := dec.PeekKind(); k {
	case '"':
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if w.scratch, err = jsontext.AppendUnquote(w.scratch[:0], raw); err != nil {
			return err
		}
		w.bytesField(valueString, w.scratch)
		return nil
	case '{':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		w.begin(valueStruct)
		if err := w.object(dec, proj); err != nil {
			return err
		}
		w.end()
		return nil
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		w.begin(valueList)
		for dec.PeekKind() != ']' {
			w.begin(listValues)
			if err := w.value(dec, proj); err != nil {
				return err
			}
			w.end()
		}
		w.end()
		_, err := dec.ReadToken()
		return err
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		w.varintField(valueNull, 0)
	case 't', 'f':
		v := uint64(0)
		if tok.Bool() {
			v = 1
		}
		w.varintField(valueBool, v)
	case '0':
		w.buf = binary.AppendUvarint(w.buf, tag(valueNumber, wireFixed64))
		w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(tok.Float()))
	default:
		return fmt.Errorf("unexpected JSON token %v", tok.Kind())
	}
	return nil
}
