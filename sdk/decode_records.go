package sdk

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
)

// ErrMalformedPage is returned by PageDecoder for a FetchResponse that is
// not valid protobuf wire data (or holds text that is not UTF-8, which
// proto.Unmarshal refuses too). The connector is at fault: update it or
// report the bug to its author.
var ErrMalformedPage = errors.New("the connector sent a malformed page of records; update the connector or report it to its author")

// maxInternedKeys bounds the key table a PageDecoder keeps across pages;
// keys that are data (ids used as object keys) would otherwise grow it
// without limit. Past it, keys are still decoded, just not shared.
const maxInternedKeys = 4096

// PageDecoder decodes FetchResponse messages in wire form straight into
// the plain Go values a host works with (map[string]any, []any, string,
// float64, bool, nil: what structpb's AsMap returns), without building
// structpb objects first. On a sync of 100,000 records the intermediate
// objects, and converting them, were most of the host's CPU.
//
// When the decoder is made with keep keys, only those top-level keys of
// each record are decoded and the others skipped unread, like the
// projection the host asks the connector for. A PageDecoder reuses its
// interned keys from page to page; it is not safe for concurrent use.
type PageDecoder struct {
	keep map[string]bool
	keys map[string]string
	// recent holds keys by a cheap slot of their bytes: records repeat the
	// same few keys, and comparing bytes costs less than hashing them for
	// the map. A slot collision only sends the key to the map.
	recent [256]recentKey
	// values holds short string values the same way, already boxed:
	// statuses, roles and types repeat in every record, and each new one
	// costs two allocations.
	values [256]recentValue
	// buf gathers a message that gRPC received in several pieces. It is
	// reused: Decode copies every string out of it.
	buf []byte
}

// recentValue is a short string value and the same value boxed.
type recentValue struct {
	s string
	v any
}

// maxSharedValue is the longest string value PageDecoder.values shares;
// longer values (ids, e-mail addresses, names) rarely repeat.
const maxSharedValue = 16

// gather returns data as one slice, copying only when it came in pieces.
func (d *PageDecoder) gather(data mem.BufferSlice) []byte {
	if len(data) == 1 {
		return data[0].ReadOnlyData()
	}
	d.buf = d.buf[:0]
	for _, b := range data {
		d.buf = append(d.buf, b.ReadOnlyData()...)
	}
	return d.buf
}

// str returns s as a string in an interface, sharing short values.
func (d *PageDecoder) str(s []byte) any {
	if len(s) > maxSharedValue {
		return string(s)
	}
	r := &d.values[slot(s)]
	if r.v != nil && r.s == string(s) {
		return r.v
	}
	str := string(s)
	*r = recentValue{s: str, v: str}
	return r.v
}

// recentKey is an interned key and whether keep selects it at the top
// level.
type recentKey struct {
	key  string
	kept bool
}

// slot picks key b's place in PageDecoder.recent.
func slot(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	return (len(b)*7 + int(b[0])*31 + int(b[len(b)-1])) & 255
}

// NewPageDecoder returns a decoder keeping the top-level keys in keep, or
// every key when keep is empty.
func NewPageDecoder(keep []string) *PageDecoder {
	d := &PageDecoder{keys: make(map[string]string, 64)}
	if len(keep) > 0 {
		d.keep = make(map[string]bool, len(keep))
		for _, k := range keep {
			d.keep[k] = true
		}
	}
	// Slot 0's zero value already reads as the empty key; say whether it
	// is kept.
	d.recent[0].kept = d.keeps("")
	return d
}

// Page is the part of one FetchResponse a host reads.
type Page struct {
	// Number is the connector's page number (FetchResponse.page).
	Number int32
	// Records are the page's records as plain Go values.
	Records []map[string]any
}

// Decode reads one FetchResponse. Fields it does not know (a newer
// protocol, or the exchange trace) are skipped, as proto.Unmarshal would
// keep them aside.
func (d *PageDecoder) Decode(b []byte) (Page, error) {
	var p Page
	n := 0
	for rest := b; len(rest) > 0; {
		num, typ, k := consumeTag(rest)
		if k < 0 {
			return Page{}, malformed("page", protowire.ParseError(k))
		}
		m := protowire.ConsumeFieldValue(num, typ, rest[k:])
		if m < 0 {
			return Page{}, malformed("page", protowire.ParseError(m))
		}
		if num == fetchRecords && typ == protowire.BytesType {
			n++
		}
		rest = rest[k+m:]
	}
	p.Records = make([]map[string]any, 0, n)
	for len(b) > 0 {
		num, typ, k := consumeTag(b)
		b = b[k:] // checked by the counting pass
		switch {
		case num == fetchRecords && typ == protowire.BytesType:
			v, m := consumeBytes(b)
			rec, err := d.object(v, d.keep)
			if err != nil {
				return Page{}, fmt.Errorf("record %d: %w", len(p.Records), err)
			}
			p.Records = append(p.Records, rec)
			b = b[m:]
		case num == fetchPage && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			p.Number = int32(v)
			b = b[m:]
		default:
			b = b[protowire.ConsumeFieldValue(num, typ, b):]
		}
	}
	return p, nil
}

// Receive receives the next FetchResponse of stream and decodes it. The
// message is decoded from gRPC's receive buffer as it arrives, with no
// intermediate copy or message objects. The stream's errors (io.EOF at the
// end) are returned as is; a page the decoder cannot read is
// ErrMalformedPage and leaves the stream usable.
func (d *PageDecoder) Receive(stream grpc.ClientStream) (Page, error) {
	m := pageMessage{d: d}
	if err := stream.RecvMsg(&m); err != nil {
		return Page{}, err
	}
	return m.page, m.err
}

// pageMessage lets gRPC's protobuf codec hand a message's bytes to a
// PageDecoder: the codec accepts any message in protobuf's original Go
// API, and the protobuf runtime gives such a message's own Unmarshal
// method the raw bytes. Decode errors are kept rather than returned, so
// that the host reports them as a bad page, not as a broken stream.
type pageMessage struct {
	d    *PageDecoder
	page Page
	err  error
}

// Reset implements the original protobuf message API.
func (m *pageMessage) Reset() { m.page, m.err = Page{}, nil }

// String implements the original protobuf message API.
func (m *pageMessage) String() string { return fmt.Sprintf("FetchResponse page %d", m.page.Number) }

// ProtoMessage implements the original protobuf message API.
func (*pageMessage) ProtoMessage() {}

// Unmarshal decodes b, which is only valid during the call.
func (m *pageMessage) Unmarshal(b []byte) error {
	m.page, m.err = m.d.Decode(b)
	return nil
}

func malformed(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrMalformedPage, what, err)
}

// object decodes a google.protobuf.Struct; keep, when set, selects the
// keys decoded. A key that repeats keeps its last value, as in proto maps.
func (d *PageDecoder) object(b []byte, keep map[string]bool) (map[string]any, error) {
	out := make(map[string]any, countEntries(b))
	for len(b) > 0 {
		num, typ, n := consumeTag(b)
		if n < 0 {
			return nil, malformed("object", protowire.ParseError(n))
		}
		if num != structFields || typ != protowire.BytesType {
			if b, n = skip(num, typ, b[n:]); n < 0 {
				return nil, malformed("object", protowire.ParseError(n))
			}
			continue
		}
		entry, m := consumeBytes(b[n:])
		if m < 0 {
			return nil, malformed("object", protowire.ParseError(m))
		}
		b = b[n+m:]
		var key string
		var kept bool
		var value []byte
		for len(entry) > 0 {
			num, typ, n := consumeTag(entry)
			if n < 0 {
				return nil, malformed("object entry", protowire.ParseError(n))
			}
			if typ != protowire.BytesType || (num != entryKey && num != entryValue) {
				if entry, n = skip(num, typ, entry[n:]); n < 0 {
					return nil, malformed("object entry", protowire.ParseError(n))
				}
				continue
			}
			v, m := consumeBytes(entry[n:])
			if m < 0 {
				return nil, malformed("object entry", protowire.ParseError(m))
			}
			entry = entry[n+m:]
			if num == entryKey {
				var err error
				if key, kept, err = d.key(v); err != nil {
					return nil, err
				}
			} else {
				value = v
			}
		}
		if keep != nil && !kept {
			continue
		}
		v, err := d.value(value)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", key, err)
		}
		out[key] = v
	}
	return out, nil
}

// value decodes a google.protobuf.Value; an empty one is nil, as
// structpb's AsInterface has it. Of several kinds, the last one wins, as
// for any protobuf oneof.
func (d *PageDecoder) value(b []byte) (any, error) {
	var v any
	for len(b) > 0 {
		num, typ, n := consumeTag(b)
		if n < 0 {
			return nil, malformed("value", protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case num == valueNull && typ == protowire.VarintType:
			_, n = protowire.ConsumeVarint(b)
			v = nil
		case num == valueNumber && typ == protowire.Fixed64Type:
			var bits uint64
			bits, n = protowire.ConsumeFixed64(b)
			v = number(math.Float64frombits(bits))
		case num == valueString && typ == protowire.BytesType:
			var s []byte
			if s, n = consumeBytes(b); n >= 0 {
				if !utf8.Valid(s) {
					return nil, malformed("string", errors.New("not UTF-8"))
				}
				v = d.str(s)
			}
		case num == valueBool && typ == protowire.VarintType:
			var x uint64
			x, n = protowire.ConsumeVarint(b)
			v = x != 0
		case num == valueStruct && typ == protowire.BytesType:
			var s []byte
			if s, n = consumeBytes(b); n >= 0 {
				o, err := d.object(s, nil)
				if err != nil {
					return nil, err
				}
				v = o
			}
		case num == valueList && typ == protowire.BytesType:
			var s []byte
			if s, n = consumeBytes(b); n >= 0 {
				l, err := d.list(s)
				if err != nil {
					return nil, err
				}
				v = l
			}
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return nil, malformed("value", protowire.ParseError(n))
		}
		b = b[n:]
	}
	return v, nil
}

// number is f as AsInterface gives it: JSON has no NaN or infinities, so
// those become the strings protobuf's JSON mapping uses.
func number(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return f
}

// list decodes a google.protobuf.ListValue.
func (d *PageDecoder) list(b []byte) ([]any, error) {
	out := make([]any, 0, countEntries(b))
	for len(b) > 0 {
		num, typ, n := consumeTag(b)
		if n < 0 {
			return nil, malformed("list", protowire.ParseError(n))
		}
		if num != listValues || typ != protowire.BytesType {
			if b, n = skip(num, typ, b[n:]); n < 0 {
				return nil, malformed("list", protowire.ParseError(n))
			}
			continue
		}
		s, m := consumeBytes(b[n:])
		if m < 0 {
			return nil, malformed("list", protowire.ParseError(m))
		}
		v, err := d.value(s)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", len(out), err)
		}
		out = append(out, v)
		b = b[n+m:]
	}
	return out, nil
}

// key interns an object key (the same few keys repeat in every record)
// and says whether the decoder's keep selects it.
func (d *PageDecoder) key(b []byte) (string, bool, error) {
	r := &d.recent[slot(b)]
	if r.key == string(b) { // no allocation for the comparison
		return r.key, r.kept, nil
	}
	k, ok := d.keys[string(b)]
	if !ok {
		if !utf8.Valid(b) {
			return "", false, malformed("key", errors.New("not UTF-8"))
		}
		k = string(b)
		if len(d.keys) < maxInternedKeys {
			d.keys[k] = k
		}
	}
	*r = recentKey{key: k, kept: d.keeps(k)}
	return k, r.kept, nil
}

// keeps reports whether top-level key k is decoded.
func (d *PageDecoder) keeps(k string) bool { return d.keep == nil || d.keep[k] }

// skip passes over a field the decoders do not read, as proto.Unmarshal
// sets it aside as unknown; n < 0 reports malformed data.
func skip(num protowire.Number, typ protowire.Type, b []byte) (rest []byte, n int) {
	if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
		return nil, n
	}
	return b[n:], n
}
