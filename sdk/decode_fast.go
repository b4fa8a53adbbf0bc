package sdk

import (
	"errors"
	"math"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// FetchCallOption makes the host decode Fetch messages with the SDK's
// decoder for google.protobuf.Struct records, which builds the same values
// as proto.Unmarshal at a fraction of the cost (the generic decoder spends
// most of a sync's host CPU on map entries). Pass it to Fetch:
//
//	stream, err := client.Fetch(ctx, req, sdk.FetchCallOption())
//
// Messages with fields the decoder does not know (a newer protocol) fall
// back to proto.Unmarshal, so the option is always safe.
func FetchCallOption() grpc.CallOption { return grpc.ForceCodecV2(WireCodec()) }

// errFallback sends a message to the generic decoder.
var errFallback = errors.New("not a plain FetchResponse")

// decodeFetchResponse decodes b into m, or returns errFallback for anything
// unexpected, leaving m to be reset and decoded generically.
func decodeFetchResponse(b []byte, m *connectorv1.FetchResponse) error {
	a := &arena{keys: make(map[string]string, 64)}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errFallback
		}
		b = b[n:]
		switch {
		case num == fetchRecords && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return errFallback
			}
			st, err := a.decodeStruct(v)
			if err != nil {
				return err
			}
			m.Records = append(m.Records, st)
			b = b[n:]
		case num == fetchPage && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return errFallback
			}
			m.Page = int32(v)
			b = b[n:]
		case num == fetchExchange && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return errFallback
			}
			ex := &connectorv1.Exchange{}
			if err := proto.Unmarshal(v, ex); err != nil {
				return errFallback
			}
			m.Exchange = ex
			b = b[n:]
		default:
			return errFallback
		}
	}
	return nil
}

func (a *arena) decodeStruct(b []byte) (*structpb.Struct, error) {
	fields := make(map[string]*structpb.Value, countEntries(b))
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num != structFields || typ != protowire.BytesType {
			return nil, errFallback
		}
		entry, m := protowire.ConsumeBytes(b[n:])
		if m < 0 {
			return nil, errFallback
		}
		b = b[n+m:]
		var key string
		var val *structpb.Value
		for len(entry) > 0 {
			num, typ, n := protowire.ConsumeTag(entry)
			if n < 0 || typ != protowire.BytesType {
				return nil, errFallback
			}
			v, m := protowire.ConsumeBytes(entry[n:])
			if m < 0 {
				return nil, errFallback
			}
			entry = entry[n+m:]
			switch num {
			case entryKey:
				var ok bool
				if key, ok = a.key(v); !ok {
					return nil, errFallback
				}
			case entryValue:
				var err error
				if val, err = a.decodeValue(v); err != nil {
					return nil, err
				}
			default:
				return nil, errFallback
			}
		}
		if val == nil {
			val = a.value()
		}
		fields[key] = val
	}
	st := a.structs.next()
	st.Fields = fields
	return st, nil
}

func (a *arena) decodeValue(b []byte) (*structpb.Value, error) {
	v := a.value()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, errFallback
		}
		b = b[n:]
		switch {
		case num == valueNull && typ == protowire.VarintType:
			_, n = protowire.ConsumeVarint(b)
			v.Kind = a.nulls.next()
		case num == valueNumber && typ == protowire.Fixed64Type:
			var bits uint64
			bits, n = protowire.ConsumeFixed64(b)
			k := a.nums.next()
			k.NumberValue = math.Float64frombits(bits)
			v.Kind = k
		case num == valueString && typ == protowire.BytesType:
			var s []byte
			s, n = protowire.ConsumeBytes(b)
			if n >= 0 && !utf8.Valid(s) {
				return nil, errFallback
			}
			k := a.strs.next()
			k.StringValue = string(s)
			v.Kind = k
		case num == valueBool && typ == protowire.VarintType:
			var x uint64
			x, n = protowire.ConsumeVarint(b)
			k := a.bools.next()
			k.BoolValue = x != 0
			v.Kind = k
		case num == valueStruct && typ == protowire.BytesType:
			var s []byte
			if s, n = protowire.ConsumeBytes(b); n >= 0 {
				st, err := a.decodeStruct(s)
				if err != nil {
					return nil, err
				}
				k := a.structVals.next()
				k.StructValue = st
				v.Kind = k
			}
		case num == valueList && typ == protowire.BytesType:
			var s []byte
			if s, n = protowire.ConsumeBytes(b); n >= 0 {
				l, err := a.decodeList(s)
				if err != nil {
					return nil, err
				}
				k := a.listVals.next()
				k.ListValue = l
				v.Kind = k
			}
		default:
			return nil, errFallback
		}
		if n < 0 {
			return nil, errFallback
		}
		b = b[n:]
	}
	return v, nil
}

func (a *arena) decodeList(b []byte) (*structpb.ListValue, error) {
	l := a.lists.next()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num != listValues || typ != protowire.BytesType {
			return nil, errFallback
		}
		s, m := protowire.ConsumeBytes(b[n:])
		if m < 0 {
			return nil, errFallback
		}
		v, err := a.decodeValue(s)
		if err != nil {
			return nil, err
		}
		l.Values = append(l.Values, v)
		b = b[n+m:]
	}
	return l, nil
}

// arena hands out the objects of one message from slabs instead of one
// allocation each: a Clockify user is ~30 values, and per-object
// allocation was most of the host's decoding time. The slabs live as long
// as any record of the message does, which is how records are used (a
// batch is processed together). Keys, which repeat in every record, are
// interned per message.
type arena struct {
	vals       slab[structpb.Value]
	structs    slab[structpb.Struct]
	lists      slab[structpb.ListValue]
	nulls      slab[structpb.Value_NullValue]
	nums       slab[structpb.Value_NumberValue]
	strs       slab[structpb.Value_StringValue]
	bools      slab[structpb.Value_BoolValue]
	structVals slab[structpb.Value_StructValue]
	listVals   slab[structpb.Value_ListValue]
	keys       map[string]string
}

func (a *arena) value() *structpb.Value { return a.vals.next() }

// key returns b as an interned string, or false when it is not UTF-8 (as
// proto.Unmarshal would refuse it).
func (a *arena) key(b []byte) (string, bool) {
	if k, ok := a.keys[string(b)]; ok { // no allocation for the lookup
		return k, true
	}
	if !utf8.Valid(b) {
		return "", false
	}
	k := string(b)
	a.keys[k] = k
	return k, true
}

// slab allocates T in chunks.
type slab[T any] struct{ free []T }

const slabChunk = 256

func (s *slab[T]) next() *T {
	if len(s.free) == 0 {
		s.free = make([]T, slabChunk)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// countEntries counts the map entries of an encoded Struct, to size its
// map once.
func countEntries(b []byte) int {
	n := 0
	for len(b) > 0 {
		_, typ, k := consumeTag(b)
		if k < 0 || typ != protowire.BytesType {
			return n
		}
		_, m := consumeBytes(b[k:])
		if m < 0 {
			return n
		}
		b = b[k+m:]
		n++
	}
	return n
}
