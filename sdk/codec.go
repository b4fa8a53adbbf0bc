package sdk

import (
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// frame is a FetchResponse already in protobuf wire form.
type frame []byte

// wireCodec is the gRPC "proto" codec plus frames: a frame is sent as is,
// everything else goes through the standard codec. The host needs nothing
// special, since a frame is exactly what proto.Marshal would have produced;
// a host that passes FetchCallOption also decodes records faster.
type wireCodec struct{ std encoding.CodecV2 }

// WireCodec returns the codec a gRPC server must use to serve a connector
// built with Options.PreEncoded. Serve installs it for the plugin process;
// tests that serve in-process pass it with grpc.ForceServerCodecV2.
func WireCodec() encoding.CodecV2 {
	std := encoding.GetCodecV2(proto.Name)
	if wc, ok := std.(wireCodec); ok {
		return wc
	}
	return wireCodec{std: std}
}

// Marshal sends a frame as is and anything else through the standard codec.
func (c wireCodec) Marshal(v any) (mem.BufferSlice, error) {
	if f, ok := v.(frame); ok {
		return mem.BufferSlice{mem.SliceBuffer(f)}, nil
	}
	return c.std.Marshal(v)
}

// Unmarshal hands a page to its PageDecoder, decodes FetchResponse with
// the fast decoder (decode_fast.go) and everything else, or anything
// unexpected, with the standard codec.
func (c wireCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if m, ok := v.(*pageMessage); ok {
		return m.Unmarshal(m.d.gather(data))
	}
	if m, ok := v.(*connectorv1.FetchResponse); ok {
		var b []byte
		if len(data) == 1 {
			b = data[0].ReadOnlyData()
		} else {
			b = data.Materialize()
		}
		if decodeFetchResponse(b, m) == nil {
			return nil
		}
		m.Reset()
	}
	return c.std.Unmarshal(data, v)
}

// Name is "proto": the codec stands in for the standard one.
func (c wireCodec) Name() string { return proto.Name }
