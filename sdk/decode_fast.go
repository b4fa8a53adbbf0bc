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
			st, err := decodeStruct(v)
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

func decodeStruct(b []byte) (*structpb.Struct, error) {
	fields := make(map[string]*structpb.Value, 8)
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
				if !utf8.Valid(v) {
					return nil, errFallback
				}
				key = string(v)
			case entryValue:
				var err error
				if val, err = decodeValue(v); err != nil {
					return nil, err
				}
			default:
				return nil, errFallback
			}
		}
		if val == nil {
			val = &structpb.Value{}
		}
		fields[key] = val
	}
	return &structpb.Struct{Fields: fields}, nil
}

func decodeValue(b []byte) (*structpb.Value, error) {
	v := &structpb.Value{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, errFallback
		}
		b = b[n:]
		switch {
		case num == valueNull && typ == protowire.VarintType:
			_, n = protowire.ConsumeVarint(b)
			v.Kind = &structpb.Value_NullValue{}
		case num == valueNumber && typ == protowire.Fixed64Type:
			var bits uint64
			bits, n = protowire.ConsumeFixed64(b)
			v.Kind = &structpb.Value_NumberValue{NumberValue: math.Float64frombits(bits)}
		case num == valueString && typ == protowire.BytesType:
			var s []byte
			s, n = protowire.ConsumeBytes(b)
			if n >= 0 && !utf8.Valid(s) {
				return nil, errFallback
			}
			v.Kind = &structpb.Value_StringValue{StringValue: string(s)}
		case num == valueBool && typ == protowire.VarintType:
			var x uint64
			x, n = protowire.ConsumeVarint(b)
			v.Kind = &structpb.Value_BoolValue{BoolValue: x != 0}
		case num == valueStruct && typ == protowire.BytesType:
			var s []byte
			if s, n = protowire.ConsumeBytes(b); n >= 0 {
				st, err := decodeStruct(s)
				if err != nil {
					return nil, err
				}
				v.Kind = &structpb.Value_StructValue{StructValue: st}
			}
		case num == valueList && typ == protowire.BytesType:
			var s []byte
			if s, n = protowire.ConsumeBytes(b); n >= 0 {
				l, err := decodeList(s)
				if err != nil {
					return nil, err
				}
				v.Kind = &structpb.Value_ListValue{ListValue: l}
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

func decodeList(b []byte) (*structpb.ListValue, error) {
	l := &structpb.ListValue{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num != listValues || typ != protowire.BytesType {
			return nil, errFallback
		}
		s, m := protowire.ConsumeBytes(b[n:])
		if m < 0 {
			return nil, errFallback
		}
		v, err := decodeValue(s)
		if err != nil {
			return nil, err
		}
		l.Values = append(l.Values, v)
		b = b[n+m:]
	}
	return l, nil
}
