package sdk

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// tricky covers every JSON kind, escapes, non-ASCII, deep nesting, empty
// containers, large and negative numbers and records that are not objects.
const tricky = `[
 {"id":"a","n":-1.5e10,"t":true,"f":false,"z":null,"s":"q\"uo\\te \u00e9\u4e2d\ud83d\ude00","e":{},"l":[],
  "m":[{"x":[1,[2,{"y":"deep"}]]}],"k\u00e9y":"v","big":` + "123456789012345678901234567890" + `},
 "just a string", 42, null, [1,2], {}
]`

func TestFramesEqualStructpbEncoding(t *testing.T) {
	var want []*structpb.Struct
	if _, err := decodeRecords([]byte(tricky), nil, func(s *structpb.Struct) error { want = append(want, s); return nil }); err != nil {
		t.Fatal(err)
	}
	var w wireWriter
	if _, err := scanRecords([]byte(tricky), nil, w.record); err != nil {
		t.Fatal(err)
	}
	var got connectorv1.FetchResponse
	if err := proto.Unmarshal(w.buf, &got); err != nil {
		t.Fatalf("frame does not parse as a FetchResponse: %v", err)
	}
	if !proto.Equal(&got, &connectorv1.FetchResponse{Records: want}) {
		t.Fatalf("frame decodes to\n%v\nwant\n%v", &got, want)
	}
}

func TestFetchModesAgree(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, tricky) })
	c := testConnector(base)
	c.Endpoints[0].Paging = Paging{Kind: NoPaging}
	var results [2][]*connectorv1.FetchResponse
	for i, pre := range []bool{false, true} {
		msgs, err := fetchAll(t, dialMode(t, c, pre), &connectorv1.FetchRequest{Settings: testSettings(base), BatchSize: 4, IncludeExchange: true,
			Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
		if err != nil {
			t.Fatalf("preEncoded=%v: %v", pre, err)
		}
		results[i] = msgs
	}
	if len(results[0]) != 2 || len(results[1]) != 2 {
		t.Fatalf("messages: %d and %d, want 2 each (batches of 4 from 6 records)", len(results[0]), len(results[1]))
	}
	for i := range results[0] {
		a, b := results[0][i], results[1][i]
		if a.GetExchange() != nil && b.GetExchange() != nil {
			a.Exchange.DurationMs, b.Exchange.DurationMs = 0, 0
			a.Exchange.Response.Headers, b.Exchange.Response.Headers = nil, nil // Date differs
		}
		if !proto.Equal(a, b) {
			t.Fatalf("message %d differs between modes:\n%v\n%v", i, a, b)
		}
	}
}

func TestFramesStayUnderSizeCap(t *testing.T) {
	big := strings.Repeat("x", 300_000)
	var body bytes.Buffer
	body.WriteString("[")
	for i := range 8 {
		if i > 0 {
			body.WriteString(",")
		}
		fmt.Fprintf(&body, `{"id":"%d","blob":"%s"}`, i, big)
	}
	body.WriteString("]")
	base := app(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body.Bytes()) })
	c := testConnector(base)
	c.Endpoints[0].Paging = Paging{Kind: NoPaging}
	msgs, err := fetchAll(t, dial(t, c), &connectorv1.FetchRequest{Settings: testSettings(base),
		Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil {
		t.Fatalf("8 × 300 kB records must stream under gRPC's 4 MiB limit: %v", err)
	}
	if len(records(msgs)) != 8 || len(msgs) < 2 {
		t.Fatalf("%d records in %d messages; want 8 split by size", len(records(msgs)), len(msgs))
	}
}

func TestFrameRecordErrorLeavesNoPartialRecord(t *testing.T) {
	var b frameBatcher
	if err := b.add(&jsonScanner{data: []byte(`{"a":1}`)}); err != nil || b.n != 1 {
		t.Fatal(err)
	}
	n := len(b.w.buf)
	if err := b.add(&jsonScanner{data: []byte(`{"a":[1,}`)}); err == nil || len(b.w.buf) != n || b.n != 1 {
		t.Fatalf("err=%v len %d→%d n=%d; a bad record must be rolled back", err, n, len(b.w.buf), b.n)
	}
}

// BenchmarkFetchSmallRecords streams 100,000 small records (id, e-mail,
// name, status) through Fetch over in-memory gRPC, app JSON to host
// structs, and reports records/s for both encodings.
func BenchmarkFetchSmallRecords(b *testing.B) {
	const pageSize, total = 5000, 100_000
	var page bytes.Buffer
	page.WriteString("[")
	for i := range pageSize {
		if i > 0 {
			page.WriteString(",")
		}
		fmt.Fprintf(&page, `{"id":"%024x","email":"user%06d@example.com","name":"User %06d","status":"ACTIVE"}`, i, i, i)
	}
	page.WriteString("]")
	for _, mode := range []struct {
		pre, fastDecode bool
	}{{false, false}, {true, false}, {true, true}} {
		pre := mode.pre
		var opts []grpc.CallOption
		if mode.fastDecode {
			opts = append(opts, FetchCallOption())
		}
		b.Run(fmt.Sprintf("preEncoded=%v/fastDecode=%v", mode.pre, mode.fastDecode), func(b *testing.B) {
			base := app(&testing.T{}, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Last-Page", fmt.Sprint(r.URL.Query().Get("page") == fmt.Sprint(total/pageSize)))
				_, _ = w.Write(page.Bytes())
			})
			c := testConnector(base)
			c.Endpoints[0].Paging.PageSize = pageSize
			cl := dialMode(&testing.T{}, c, pre)
			b.ResetTimer()
			n := 0
			for range b.N {
				st, err := cl.Fetch(context.Background(), &connectorv1.FetchRequest{Settings: testSettings(base),
					Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}}, opts...)
				if err != nil {
					b.Fatal(err)
				}
				for {
					m, err := st.Recv()
					if err != nil {
						break
					}
					n += len(m.GetRecords())
				}
			}
			if n != b.N*total {
				b.Fatalf("got %d records, want %d", n, b.N*total)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
