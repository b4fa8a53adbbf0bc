package sdk

import (
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

func trickyResponse(t *testing.T) *connectorv1.FetchResponse {
	var recs []*structpb.Struct
	if _, err := decodeRecords([]byte(tricky), nil, func(s *structpb.Struct) error { recs = append(recs, s); return nil }); err != nil {
		t.Fatal(err)
	}
	return &connectorv1.FetchResponse{Records: recs, Page: 7, Exchange: &connectorv1.Exchange{Attempts: 2,
		Request: &connectorv1.HTTPRequest{Method: "GET", Url: "https://x/y"}}}
}

func TestFastDecodeMatchesProtoUnmarshal(t *testing.T) {
	want := trickyResponse(t)
	b, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got connectorv1.FetchResponse
	if err := WireCodec().Unmarshal(mem.BufferSlice{mem.SliceBuffer(b)}, &got); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&got, want) {
		t.Fatalf("fast decode differs:\n%v\nwant\n%v", &got, want)
	}
	// The decoder itself, not the fallback, must have handled it.
	var direct connectorv1.FetchResponse
	if err := decodeFetchResponse(b, &direct); err != nil || !proto.Equal(&direct, want) {
		t.Fatalf("decodeFetchResponse: %v", err)
	}
}

func TestFastDecodeFallsBackOnUnknownFields(t *testing.T) {
	want := trickyResponse(t)
	b, _ := proto.Marshal(want)
	b = protowire.AppendTag(b, 99, protowire.VarintType) // a field from a newer protocol
	b = protowire.AppendVarint(b, 1)
	if err := decodeFetchResponse(b, &connectorv1.FetchResponse{}); err == nil {
		t.Fatal("an unknown field must send the message to the generic decoder")
	}
	var got connectorv1.FetchResponse
	if err := WireCodec().Unmarshal(mem.BufferSlice{mem.SliceBuffer(b)}, &got); err != nil {
		t.Fatal(err)
	}
	got.ProtoReflect().SetUnknown(nil)
	if !proto.Equal(&got, want) {
		t.Fatal("fallback decode lost data")
	}
}

func TestFastDecodeRejectsInvalidUTF8LikeProto(t *testing.T) {
	bad := &connectorv1.FetchResponse{Records: []*structpb.Struct{{Fields: map[string]*structpb.Value{"k": structpb.NewStringValue("ok")}}}}
	b, _ := proto.Marshal(bad)
	i := len(b) - 1 // last byte is the 'k' of "ok"
	b[i] = 0xff
	var got connectorv1.FetchResponse
	err := WireCodec().Unmarshal(mem.BufferSlice{mem.SliceBuffer(b)}, &got)
	if err == nil {
		t.Fatal("invalid UTF-8 in a string must fail as proto.Unmarshal fails")
	}
}
