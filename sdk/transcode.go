package sdk

import (
	"encoding/binary"
	"math"
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

// wireWriter appends protobuf wire data. A nested message is opened with
// one byte reserved for its length, which is all most fields of a record
// need; a message of 128 bytes or more (a whole record, a long list) is
// shifted right by the extra bytes of its length when it is closed.
type wireWriter struct {
	buf     []byte
	scratch []byte // unquoted strings
	starts  []int
	proj    *fieldFilter // fields to keep; nil keeps all
}

func tag(field, wt int) uint64 { return uint64(field)<<3 | uint64(wt) }

// begin opens a length-delimited field.
func (w *wireWriter) begin(field int) {
	w.buf = binary.AppendUvarint(w.buf, tag(field, wireBytes))
	w.buf = append(w.buf, 0)
	w.starts = append(w.starts, len(w.buf))
}

// end closes the innermost open field, writing its length.
func (w *wireWriter) end() {
	start := w.starts[len(w.starts)-1]
	w.starts = w.starts[:len(w.starts)-1]
	n := len(w.buf) - start
	if n < 0x80 {
		w.buf[start-1] = byte(n)
		return
	}
	var lenBuf [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(lenBuf[:], uint64(n))
	w.buf = append(w.buf, lenBuf[1:k]...) // grow by the extra bytes
	copy(w.buf[start+k-1:], w.buf[start:start+n])
	copy(w.buf[start-1:], lenBuf[:k])
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

// record writes the next JSON value of s as one FetchResponse.records
// element; a value that is not an object becomes {"value": v}, as in the
// structpb path.
func (w *wireWriter) record(s *jsonScanner) error {
	w.begin(fetchRecords)
	if s.peek() == '{' {
		if err := s.enter(); err != nil {
			return err
		}
		if err := w.object(s, w.proj); err != nil {
			return err
		}
		s.leave()
	} else {
		w.begin(structFields)
		w.bytesField(entryKey, []byte("value"))
		w.begin(entryValue)
		if err := w.value(s, nil); err != nil {
			return err
		}
		w.end()
		w.end()
	}
	w.end()
	return nil
}

// object writes Struct fields for an object whose '{' was read, keeping
// only the fields proj keeps (nil keeps all) and consuming the '}'.
func (w *wireWriter) object(s *jsonScanner, proj *fieldFilter) error {
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	for {
		if s.peek() != '"' {
			return s.fail("expected a field name, found %s", s.describe())
		}
		var name []byte
		var err error
		if name, w.scratch, err = s.str(w.scratch); err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		var sub *fieldFilter
		kept := true
		if proj != nil {
			sub, kept = proj.find(name)
		}
		if kept {
			w.begin(structFields)
			w.bytesField(entryKey, name)
			w.begin(entryValue)
			if err := w.value(s, sub); err != nil {
				return err
			}
			w.end()
			w.end()
		} else if err := s.skip(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or '}', found %s", s.describe())
		}
	}
}

// value writes the fields of a google.protobuf.Value for the next JSON
// value, pruning objects (and the objects in lists) to proj.
func (w *wireWriter) value(s *jsonScanner, proj *fieldFilter) error {
	switch c := s.peek(); c {
	case '"':
		str, scratch, err := s.str(w.scratch)
		if err != nil {
			return err
		}
		w.scratch = scratch
		w.bytesField(valueString, str)
		return nil
	case '{':
		if err := s.enter(); err != nil {
			return err
		}
		w.begin(valueStruct)
		if err := w.object(s, proj); err != nil {
			return err
		}
		w.end()
		s.leave()
		return nil
	case '[':
		if err := s.enter(); err != nil {
			return err
		}
		w.begin(valueList)
		if err := w.list(s, proj); err != nil {
			return err
		}
		w.end()
		s.leave()
		return nil
	case 't':
		w.varintField(valueBool, 1)
		return s.literal("true")
	case 'f':
		w.varintField(valueBool, 0)
		return s.literal("false")
	case 'n':
		w.varintField(valueNull, 0)
		return s.literal("null")
	case 0:
		return s.fail("unexpected end of the body")
	default:
		if c != '-' && (c < '0' || c > '9') {
			return s.fail("unexpected %s", s.describe())
		}
		v, err := s.number()
		if err != nil {
			return err
		}
		w.buf = binary.AppendUvarint(w.buf, tag(valueNumber, wireFixed64))
		w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(v))
		return nil
	}
}

// list writes ListValue values for a list whose '[' was read, consuming
// the ']'.
func (w *wireWriter) list(s *jsonScanner, proj *fieldFilter) error {
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for {
		w.begin(listValues)
		if err := w.value(s, proj); err != nil {
			return err
		}
		w.end()
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or ']', found %s", s.describe())
		}
	}
}
