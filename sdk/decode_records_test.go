package sdk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"reflect"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// asMaps is what the host built before PageDecoder: structpb's AsMap, or
// AsInterface of the kept keys only when keep is set.
func asMaps(m *connectorv1.FetchResponse, keep ...string) []map[string]any {
	out := make([]map[string]any, len(m.GetRecords()))
	for i, r := range m.GetRecords() {
		if len(keep) == 0 {
			out[i] = r.AsMap()
			continue
		}
		out[i] = make(map[string]any, len(keep))
		for k, v := range r.GetFields() {
			if contains(keep, k) {
				out[i][k] = v.AsInterface()
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestPageDecoderMatchesAsMap(t *testing.T) {
	want := trickyResponse(t)
	odd, err := structpb.NewStruct(map[string]any{
		"nan": math.NaN(), "inf": math.Inf(-1), "empty": map[string]any{}, "none": []any{},
		"nested": []any{[]any{nil, true}, map[string]any{"": "empty key"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A Value with no kind at all is nil, as AsInterface reads it.
	odd.Fields["unset"] = &structpb.Value{}
	want.Records = append(want.Records, odd)
	b, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	d := NewPageDecoder(nil)
	for range 2 { // the second page reuses the interned keys
		got, err := d.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != 7 {
			t.Errorf("page number %d, want 7", got.Number)
		}
		wantMaps := asMaps(want)
		if v := got.Records[len(got.Records)-1]["nan"]; v != "NaN" {
			t.Fatalf("NaN decoded as %#v, want the string AsInterface gives", v)
		}
		if !reflect.DeepEqual(got.Records, wantMaps) {
			t.Fatalf("records differ:\n%#v\nwant\n%#v", got.Records, wantMaps)
		}
	}
}

func TestPageDecoderKeepsOnlyTheKeptKeys(t *testing.T) {
	want := trickyResponse(t)
	b, _ := proto.Marshal(want)
	var keep []string
	for k := range want.Records[0].Fields {
		keep = append(keep, k)
		break
	}
	keep = append(keep, "not-in-any-record")
	got, err := NewPageDecoder(keep).Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if w := asMaps(want, keep...); !reflect.DeepEqual(got.Records, w) {
		t.Fatalf("projected records differ:\n%#v\nwant\n%#v", got.Records, w)
	}
	if len(got.Records[0]) != 1 {
		t.Fatalf("record 0 kept %d keys, want 1", len(got.Records[0]))
	}
}

func TestPageDecoderSkipsUnknownFieldsLikeProto(t *testing.T) {
	want := &connectorv1.FetchResponse{Page: 3, Records: []*structpb.Struct{{Fields: map[string]*structpb.Value{"k": structpb.NewStringValue("v")}}}}
	b, _ := proto.Marshal(want)
	b = protowire.AppendTag(b, 99, protowire.VarintType) // a field from a newer protocol
	b = protowire.AppendVarint(b, 1)
	// A record with an unknown field inside its value.
	val := protowire.AppendTag(nil, valueString, protowire.BytesType)
	val = protowire.AppendString(val, "x")
	val = protowire.AppendTag(val, 42, protowire.Fixed32Type)
	val = protowire.AppendFixed32(val, 7)
	entry := protowire.AppendTag(nil, entryKey, protowire.BytesType)
	entry = protowire.AppendString(entry, "k")
	entry = protowire.AppendTag(entry, entryValue, protowire.BytesType)
	entry = protowire.AppendBytes(entry, val)
	rec := protowire.AppendTag(nil, structFields, protowire.BytesType)
	rec = protowire.AppendBytes(rec, entry)
	b = protowire.AppendTag(b, fetchRecords, protowire.BytesType)
	b = protowire.AppendBytes(b, rec)

	var viaProto connectorv1.FetchResponse
	if err := proto.Unmarshal(b, &viaProto); err != nil {
		t.Fatal(err)
	}
	got, err := NewPageDecoder(nil).Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if w := asMaps(&viaProto); !reflect.DeepEqual(got.Records, w) || got.Number != 3 {
		t.Fatalf("got %#v page %d, want %#v page 3", got.Records, got.Number, w)
	}
}

func TestPageDecoderRejectsMalformedPages(t *testing.T) {
	good, _ := proto.Marshal(trickyResponse(t))
	for n := 1; n < len(good); n++ {
		cut := good[:n]
		// A cut can land on a field boundary of the outer message, which is
		// a valid shorter page; proto.Unmarshal is the judge of which.
		protoErr := proto.Unmarshal(cut, &connectorv1.FetchResponse{})
		_, err := NewPageDecoder(nil).Decode(cut)
		if (err != nil) != (protoErr != nil) {
			t.Fatalf("cut to %d bytes: decoder %v, proto.Unmarshal %v", n, err, protoErr)
		}
		if err != nil && !errors.Is(err, ErrMalformedPage) {
			t.Fatalf("cut to %d bytes: %v, want ErrMalformedPage", n, err)
		}
	}

	bad := &connectorv1.FetchResponse{Records: []*structpb.Struct{{Fields: map[string]*structpb.Value{"k": structpb.NewStringValue("ok")}}}}
	b, _ := proto.Marshal(bad)
	b[len(b)-1] = 0xff // the 'k' of "ok"
	if _, err := NewPageDecoder(nil).Decode(b); !errors.Is(err, ErrMalformedPage) {
		t.Fatalf("invalid UTF-8 value: %v, want ErrMalformedPage", err)
	}
	b, _ = proto.Marshal(bad)
	b[bytes.IndexByte(b, 'k')] = 0xfe // the key comes before its value
	if _, err := NewPageDecoder(nil).Decode(b); !errors.Is(err, ErrMalformedPage) {
		t.Fatalf("invalid UTF-8 key: %v, want ErrMalformedPage", err)
	}
}

// memberPage is a page of 200 records shaped like an app's user list
// projected to what a sync reads.
func memberPage(b *testing.B) []byte {
	m := &connectorv1.FetchResponse{Page: 1}
	for i := range 200 {
		rec, err := structpb.NewStruct(map[string]any{
			"id": "6650a1b2c3d4e5f6a7b8c9d0", "email": "user@example.com", "name": "Generated User",
			"status": "ACTIVE", "settings": map[string]any{"weekStart": "MONDAY", "timeZone": "Europe/Berlin"},
			"memberships": []any{map[string]any{"userId": "6650a1b2c3d4e5f6a7b8c9d0", "targetId": "6650a1b2c3d4e5f6a7b8c9d1",
				"membershipType": "WORKSPACE", "membershipStatus": "ACTIVE",
				"hourlyRate": map[string]any{"amount": float64(i), "currency": "USD"}, "costRate": nil}},
		})
		if err != nil {
			b.Fatal(err)
		}
		m.Records = append(m.Records, rec)
	}
	raw, err := proto.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

func BenchmarkPageDecoder(b *testing.B) {
	raw := memberPage(b)
	keep := []string{"id", "email", "name", "memberships"}
	b.Run("PageDecoder", func(b *testing.B) {
		d := NewPageDecoder(keep)
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if _, err := d.Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast-structpb+AsMap", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			var r connectorv1.FetchResponse
			if err := decodeFetchResponse(raw, &r); err != nil {
				b.Fatal(err)
			}
			_ = asMaps(&r, keep...)
		}
	})
}

// TestPageDecoderReceivesOverGRPC reads one stream with Receive and
// another with Recv and AsMap, over every codec pairing a host can meet:
// frames or structpb from the connector, the SDK's codec or the standard
// one on the host.
func TestPageDecoderReceivesOverGRPC(t *testing.T) {
	base, _ := usersApp(t, 7, true)
	req := &connectorv1.FetchRequest{Settings: testSettings(base), IncludeExchange: true,
		Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}}
	for _, preEncoded := range []bool{true, false} {
		for _, opts := range [][]grpc.CallOption{nil, {FetchCallOption()}} {
			cl := dialMode(t, testConnector(base), preEncoded)
			want, err := fetchAll(t, cl, req)
			if err != nil {
				t.Fatal(err)
			}
			stream, err := cl.Fetch(context.Background(), req, opts...)
			if err != nil {
				t.Fatal(err)
			}
			d := NewPageDecoder(nil)
			for i := 0; ; i++ {
				p, err := d.Receive(stream)
				if errors.Is(err, io.EOF) {
					if i != len(want) {
						t.Fatalf("pre-encoded %v, %d options: %d pages, want %d", preEncoded, len(opts), i, len(want))
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if w := asMaps(want[i]); p.Number != want[i].GetPage() || !reflect.DeepEqual(p.Records, w) {
					t.Fatalf("pre-encoded %v, %d options, page %d: %#v, want %#v", preEncoded, len(opts), i, p.Records, w)
				}
			}
		}
	}
}

// TestPageDecoderGathersPiecesAndSharesValues decodes a page that arrives
// in pieces, as gRPC hands over large messages, twice with one decoder:
// the reused gather buffer and the shared short values must not leak
// from one page into the next.
func TestPageDecoderGathersPiecesAndSharesValues(t *testing.T) {
	page := func(status string) []byte {
		st, err := structpb.NewStruct(map[string]any{"id": "1", "status": status, "name": "a name well over sixteen bytes"})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := proto.Marshal(&connectorv1.FetchResponse{Records: []*structpb.Struct{st, st}, Page: 3})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	d := NewPageDecoder(nil)
	for _, status := range []string{"ACTIVE", "INACTIVE"} {
		raw := page(status)
		third := len(raw) / 3
		pieces := mem.BufferSlice{mem.SliceBuffer(raw[:third]), mem.SliceBuffer(raw[third : 2*third]), mem.SliceBuffer(raw[2*third:])}
		m := pageMessage{d: d}
		if err := WireCodec().Unmarshal(pieces, &m); err != nil || m.err != nil {
			t.Fatal(err, m.err)
		}
		want := map[string]any{"id": "1", "status": status, "name": "a name well over sixteen bytes"}
		if m.page.Number != 3 || len(m.page.Records) != 2 || !reflect.DeepEqual(m.page.Records[1], want) {
			t.Fatalf("page %d, records %#v; want two of %#v", m.page.Number, m.page.Records, want)
		}
	}
}
