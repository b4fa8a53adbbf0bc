package sdk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// scimLikeApp serves n users with SCIM's 1-based startIndex, count and
// totalResults; it records every request URI it received.
func scimLikeApp(t *testing.T, n int) (string, func() []string) {
	var (
		mu   sync.Mutex
		seen []string
	)
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RequestURI())
		mu.Unlock()
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		if start < 1 {
			start = 1
		}
		var recs []string
		for i := start; i < start+count && i <= n; i++ {
			recs = append(recs, fmt.Sprintf(`{"id":"u%d"}`, i))
		}
		fmt.Fprintf(w, `{"totalResults":%d,"startIndex":%d,"itemsPerPage":%d,"Resources":[%s]}`, n, start, len(recs), strings.Join(recs, ","))
	})
	return base, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), seen...) }
}

func scimLikeEndpoint() *connectorv1.EndpointSpec {
	return &connectorv1.EndpointSpec{Method: "GET", Url: "/Users", RecordsPath: "Resources", PrimaryKey: "id",
		Paging: &connectorv1.Paging{Kind: Offset, PageParam: "startIndex", SizeParam: "count", PageSize: 3, FirstPage: 1, TotalPath: "totalResults"}}
}

// TestOffsetPagingStartsAtTheFirstIndexAndStopsAtTheTotal: 1-based offsets
// read every record once, across exact and partial last pages, and stop
// at totalResults without depending on an empty page.
func TestOffsetPagingStartsAtTheFirstIndexAndStopsAtTheTotal(t *testing.T) {
	for _, n := range []int{1, 3, 7, 9} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			base, seen := scimLikeApp(t, n)
			cl := dial(t, testConnector(base))
			msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base),
				Endpoint: &connectorv1.FetchRequest_Custom{Custom: scimLikeEndpoint()}})
			if err != nil {
				t.Fatal(err)
			}
			got := records(msgs)
			var want []string
			for i := 1; i <= n; i++ {
				want = append(want, fmt.Sprintf("u%d", i))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("records %v, want %v", got, want)
			}
			if first := seen()[0]; !strings.Contains(first, "startIndex=1") {
				t.Fatalf("first request %s, want startIndex=1", first)
			}
		})
	}
}

// TestTheRequestShownIsTheRequestSent compares the exchange the connector
// reports with the request line the app received, byte for byte.
func TestTheRequestShownIsTheRequestSent(t *testing.T) {
	base, seen := scimLikeApp(t, 5)
	cl := dial(t, testConnector(base))
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), IncludeExchange: true, MaxPages: 1,
		Endpoint: &connectorv1.FetchRequest_Custom{Custom: scimLikeEndpoint()}})
	if err != nil {
		t.Fatal(err)
	}
	shown := msgs[0].GetExchange().GetRequest().GetUrl()
	sent := strings.TrimSuffix(base, "/api") + seen()[0]
	if shown != sent {
		t.Fatalf("shown %q\nsent  %q", shown, sent)
	}
}

func TestPagingRefusesATotalPathItCannotUse(t *testing.T) {
	c := testConnector("https://x.example.com")
	c.Endpoints[0].Paging = Paging{Kind: Cursor, PageParam: "after", CursorPath: "next", TotalPath: "total"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TotalPath") {
		t.Fatalf("Validate = %v, want TotalPath refused for cursors", err)
	}
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"Resources":[{"id":"a"}],"totalResults":"many"}`)
	})
	cl := dial(t, testConnector(base))
	_, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base),
		Endpoint: &connectorv1.FetchRequest_Custom{Custom: scimLikeEndpoint()}})
	if ae := ErrorFromStatus(err); ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS || !strings.Contains(ae.GetMessage(), "not a whole number") {
		t.Fatalf("a total that is not a number: %v", err)
	}
}

// TestPagingReadsTotalsAndCursorsWhereverTheyAre reads the total and the
// cursor before and after the records, nested, as strings and numbers,
// and through list steps, and refuses what is not a value.
func TestPagingReadsTotalsAndCursorsWhereverTheyAre(t *testing.T) {
	recs := `[{"id":"a","tags":["x",{"total":1}],"note":"} \" ]"},{"id":"b"}]`
	for _, c := range []struct {
		body, path, want, err string
	}{
		{`{"totalResults":7,"Resources":` + recs + `}`, "totalResults", "7", ""},
		{`{"Resources":` + recs + `,"meta":{"page":1,"total":7}}`, "meta.total", "7", ""},
		{` { "meta" : { "total" : "7" } , "Resources" : [ ] } `, "meta.total", "7", ""},
		{`{"total":7.0,"data":[]}`, "total", "7.0", ""},
		{`{"next":12345678901234567890,"data":[]}`, "next", "12345678901234567890", ""},
		{`{"next":"c\u0032VlayAy","data":[]}`, "next", "c2VlayAy", ""},
		{`{"next":null,"data":[]}`, "next", "", ""},
		{`{"next":{"after":"x"},"data":[]}`, "next", "", ""},
		{`{"data":[],"paging":{}}`, "paging.next", "", ""},
		{`{"data":[],"paging":"none"}`, "paging.next", "", ""},
		{`{"links":[{"rel":"self","href":"s"},{"rel":"next","href":"n2"}],"data":[]}`, "links[rel=next].href", "n2", ""},
		{`{"items":[{"id":"a"}],"meta":{"0":"zero"}}`, "meta.0", "zero", ""},
		{`{"data":[1,2,"total":3}`, "total", "", "invalid JSON"},
		{`{"total":12abc}`, "total", "", "invalid JSON"},
		{`{"total":tru}`, "total", "", "invalid JSON"},
		{`{"data":[{"id":"a"}],"total":`, "total", "", "invalid JSON"},
		{`{"links":[` + recs, "links[rel=next].href", "", "reading"},
	} {
		fields, _ := fieldNames(c.path)
		got, err := scalarAt([]byte(c.body), c.path, fields)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), c.path) {
				t.Errorf("%s in %s: %q, %v; want an error naming the path and %q", c.path, c.body, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s in %s: %q, %v; want %q", c.path, c.body, got, err, c.want)
		}
	}
	for body, want := range map[string]int{`{"total":7.0}`: 7, `{"total":"5e3"}`: 5000, `{"total":0}`: 0} {
		if n, err := totalAt([]byte(body), "total", []string{"total"}); err != nil || n != want {
			t.Errorf("total of %s: %d, %v; want %d", body, n, err, want)
		}
	}
	for _, body := range []string{`{"total":7.5}`, `{"total":-1}`, `{"total":"many"}`, `{}`, `{"total":null}`} {
		if _, err := totalAt([]byte(body), "total", []string{"total"}); !errors.Is(err, ErrBadDefinition) {
			t.Errorf("total of %s: %v, want a definition error", body, err)
		}
	}
}

// TestPagingDecidesWithoutDecodingThePage: reading the total or the
// cursor steps over the records instead of decoding the page a second
// time, so deciding costs a handful of allocations however wide the page.
func TestPagingDecidesWithoutDecodingThePage(t *testing.T) {
	for _, c := range []struct {
		paging Paging
		body   string
	}{
		{Paging{Kind: Offset, PageParam: "startIndex", PageSize: 200, TotalPath: "meta.total"}, `{"Resources":%s,"meta":{"total":5000}}`},
		{Paging{Kind: Cursor, PageParam: "after", CursorPath: "paging.next"}, `{"data":%s,"paging":{"next":"c2VlayAyMDA="}}`},
	} {
		resp := &httpexec.Response{Header: http.Header{}, Body: fmt.Appendf(nil, c.body, widePage())}
		pg := newPager(c.paging)
		allocs := testing.AllocsPerRun(10, func() {
			pg.seen = nil
			if more, err := pg.next(200, resp); err != nil || !more {
				t.Fatal(more, err)
			}
		})
		// Decoding the 200 records takes thousands of allocations.
		if allocs > 10 {
			t.Errorf("%s: %v allocations to decide on a page of 200 records; the page was decoded", c.body, allocs)
		}
	}
}

// TestErrorShapeDeclaredAsData decodes SCIM-style error bodies by the
// declared paths and gives the declared advice by code, then by status,
// then the generic advice.
func TestErrorShapeDeclaredAsData(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("case") {
		case "code":
			w.WriteHeader(409)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"userName is taken","scimType":"uniqueness","status":"409"}`)
		case "status":
			w.WriteHeader(403)
			fmt.Fprint(w, `{"detail":"not allowed","status":"403"}`)
		case "html":
			w.WriteHeader(400)
			fmt.Fprint(w, `<html>bad gateway page</html>`)
		}
	})
	c := testConnector(base)
	c.Errors = ErrorShape{MessagePath: "detail", CodePath: "scimType",
		AdviceByCode:   map[string]string{"uniqueness": "look the user up instead of creating them"},
		AdviceByStatus: map[int]string{403: "give the token the provisioning scope"}}
	cl := dial(t, c)
	for name, want := range map[string][3]string{
		"code":   {"userName is taken", "uniqueness", "look the user up instead of creating them"},
		"status": {"not allowed", "", "give the token the provisioning scope"},
		"html":   {"", "", defaultRemedy(connectorv1.ErrorKind_ERROR_KIND_REJECTED)},
	} {
		_, err := cl.Invoke(context.Background(), &connectorv1.InvokeRequest{Settings: testSettings(base),
			Call: &connectorv1.RenderedCall{Method: "GET", Url: "/x?case=" + name}})
		ae := ErrorFromStatus(err)
		if !strings.Contains(ae.GetMessage(), want[0]) || ae.GetAppCode() != want[1] || ae.GetRemedy() != want[2] {
			t.Errorf("%s: message %q code %q remedy %q, want %q", name, ae.GetMessage(), ae.GetAppCode(), ae.GetRemedy(), want)
		}
	}
	c.ErrorDecoder = func(int, http.Header, []byte) (string, string) { return "", "" }
	if err := c.Validate(); err == nil {
		t.Fatal("a connector with both Errors paths and an ErrorDecoder validated")
	}
}

// TestWebhookContentType sends a declared media type instead of the one
// the message type implies.
func TestWebhookContentType(t *testing.T) {
	got := make(chan string, 1)
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Content-Type")
		fmt.Fprint(w, `{"id":"1"}`)
	})
	c := testConnector(base)
	c.Webhooks[1].ContentType = "application/scim+json"
	cl := dial(t, c)
	if _, err := cl.Invoke(context.Background(), &connectorv1.InvokeRequest{Settings: testSettings(base), WebhookId: "add-user",
		Call: &connectorv1.RenderedCall{Method: "POST", Url: "/v1/workspaces/{WorkspaceID}/users", Body: []byte(`{"email":"a@b.c"}`)}}); err != nil {
		t.Fatal(err)
	}
	if ct := <-got; ct != "application/scim+json" {
		t.Fatalf("Content-Type %q", ct)
	}
}

// BenchmarkPagerNext decides whether another page follows a wide page of
// 200 records, from a total the body declares before or after its records
// and from a cursor, and reports the page bytes read per second.
func BenchmarkPagerNext(b *testing.B) {
	records := widePage()
	for _, v := range []struct {
		name   string
		paging Paging
		body   string
	}{
		{"total-first", Paging{Kind: Offset, PageParam: "startIndex", PageSize: 200, FirstPage: 1, TotalPath: "totalResults"},
			`{"totalResults":5000,"itemsPerPage":200,"Resources":%s}`},
		{"total-last", Paging{Kind: Offset, PageParam: "startIndex", PageSize: 200, FirstPage: 1, TotalPath: "meta.total"},
			`{"Resources":%s,"meta":{"page":1,"total":5000}}`},
		{"cursor-last", Paging{Kind: Cursor, PageParam: "after", CursorPath: "paging.next"},
			`{"data":%s,"paging":{"next":"c2VlayAyMDA="}}`},
	} {
		b.Run(v.name, func(b *testing.B) {
			resp := &httpexec.Response{Header: http.Header{}, Body: fmt.Appendf(nil, v.body, records)}
			b.SetBytes(int64(len(resp.Body)))
			for b.Loop() {
				if more, err := newPager(v.paging).next(200, resp); err != nil || !more {
					b.Fatal(more, err)
				}
			}
		})
	}
}
