package sdk

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// usersApp serves n users two per page, 1-based, with Last-Page, and checks
// auth and the filled placeholder.
func usersApp(t *testing.T, n int, lastPageHeader bool) (string, *atomic.Int32) {
	var calls atomic.Int32
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("X-Api-Key") != testKey {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"message":"Api key does not exist","code":4003}`)
			return
		}
		if r.URL.Path != "/api/v1/workspaces/ws1/users" || r.URL.Query().Get("status") != "ALL" {
			w.WriteHeader(404)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("page-size"))
		var recs []string
		for i := (page - 1) * size; i < page*size && i < n; i++ {
			recs = append(recs, fmt.Sprintf(`{"id":"u%d","email":"u%d@x.io","n":%d,"ok":true,"m":[{"a":null}]}`, i, i, i))
		}
		if lastPageHeader {
			w.Header().Set("Last-Page", strconv.FormatBool(page*size >= n))
		}
		fmt.Fprint(w, "["+strings.Join(recs, ",")+"]")
	})
	return base, &calls
}

func records(msgs []*connectorv1.FetchResponse) []string {
	var ids []string
	for _, m := range msgs {
		for _, r := range m.GetRecords() {
			ids = append(ids, r.GetFields()["id"].GetStringValue())
		}
	}
	return ids
}

func TestFetchPagesUntilLastPageHeader(t *testing.T) {
	base, calls := usersApp(t, 4, true)
	cl := dial(t, testConnector(base))
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil {
		t.Fatal(err)
	}
	// 4 records in full pages of 2; the pages asked for ahead, past the
	// end, are dropped.
	if got := records(msgs); fmt.Sprint(got) != "[u0 u1 u2 u3]" || calls.Load() > 2+pagesAhead-1 {
		t.Fatalf("records %v after %d calls; want 4 records in at most %d calls", got, calls.Load(), 2+pagesAhead-1)
	}
	r := msgs[0].GetRecords()[0].GetFields()
	if r["n"].GetNumberValue() != 0 || !r["ok"].GetBoolValue() || r["m"].GetListValue().GetValues()[0].GetStructValue().GetFields()["a"].GetNullValue() != 0 {
		t.Fatalf("record not converted faithfully: %v", r)
	}
}

func TestFetchStopsOnShortOrEmptyPage(t *testing.T) {
	base, calls := usersApp(t, 5, false)
	cl := dial(t, testConnector(base))
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil || len(records(msgs)) != 5 || calls.Load() > 3+pagesAhead-1 {
		t.Fatalf("err=%v records=%d calls=%d; want 5 records in 3 calls and the pages asked ahead (short last page)", err, len(records(msgs)), calls.Load())
	}
	base2, calls2 := usersApp(t, 4, false)
	cl2 := dial(t, testConnector(base2))
	msgs, err = fetchAll(t, cl2, &connectorv1.FetchRequest{Settings: testSettings(base2), Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil || len(records(msgs)) != 4 || calls2.Load() > 3+pagesAhead-1 {
		t.Fatalf("err=%v records=%d calls=%d; want 4 records in 3 calls and the pages asked ahead (empty last page)", err, len(records(msgs)), calls2.Load())
	}
}

func TestFetchMaxPagesAndExchange(t *testing.T) {
	base, calls := usersApp(t, 10, true)
	cl := dial(t, testConnector(base))
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), MaxPages: 1, IncludeExchange: true,
		Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil || calls.Load() != 1 || len(records(msgs)) != 2 {
		t.Fatalf("err=%v calls=%d records=%d; want one page", err, calls.Load(), len(records(msgs)))
	}
	ex := msgs[0].GetExchange()
	if ex == nil || ex.GetResponse().GetStatus() != 200 || !strings.Contains(ex.GetRequest().GetUrl(), "page=1") {
		t.Fatalf("exchange = %v; want the first request and its answer", ex)
	}
	for _, h := range ex.GetRequest().GetHeaders() {
		if h.GetName() == "X-Api-Key" && h.GetValue() != Mask {
			t.Fatalf("auth header not masked: %q", h.GetValue())
		}
	}
}

func TestFetchBatches(t *testing.T) {
	base, _ := usersApp(t, 5, false)
	c := testConnector(base)
	c.Endpoints[0].Paging.PageSize = 5
	cl := dial(t, c)
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), BatchSize: 2,
		Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, m := range msgs {
		sizes = append(sizes, len(m.GetRecords()))
	}
	if fmt.Sprint(sizes) != "[2 2 1]" {
		t.Fatalf("batch sizes %v, want [2 2 1]", sizes)
	}
}

func TestFetchCustomEndpointOffsetAndCursor(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/offset":
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			if off >= 3 {
				fmt.Fprint(w, `{"data":{"items":[]}}`)
				return
			}
			fmt.Fprintf(w, `{"data":{"items":[{"id":"o%d"},{"id":"o%d"}]}}`, off, off+1)
		case "/api/cursor":
			switch r.URL.Query().Get("after") {
			case "":
				fmt.Fprint(w, `{"items":[{"id":"c1"}],"next":"abc"}`)
			case "abc":
				fmt.Fprint(w, `{"items":[{"id":"c2"}],"next":null}`)
			}
		}
	})
	cl := dial(t, testConnector(base))
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_Custom{Custom: &connectorv1.EndpointSpec{
		Method: "GET", Url: "/offset", RecordsPath: "data.items",
		Paging: &connectorv1.Paging{Kind: Offset, PageParam: "offset", SizeParam: "limit", PageSize: 2},
	}}})
	if got := records(msgs); err != nil || fmt.Sprint(got) != "[o0 o1 o2 o3]" {
		t.Fatalf("offset paging: %v %v", got, err)
	}
	msgs, err = fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_Custom{Custom: &connectorv1.EndpointSpec{
		Method: "GET", Url: "/cursor", RecordsPath: "items",
		Paging: &connectorv1.Paging{Kind: Cursor, PageParam: "after", CursorPath: "next"},
	}}})
	if got := records(msgs); err != nil || fmt.Sprint(got) != "[c1 c2]" {
		t.Fatalf("cursor paging: %v %v", got, err)
	}
}

func TestFetchRefusesForeignHost(t *testing.T) {
	var hit atomic.Bool
	other := app(t, func(w http.ResponseWriter, r *http.Request) { hit.Store(true) })
	base, _ := usersApp(t, 1, false)
	cl := dial(t, testConnector(base))
	_, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_Custom{Custom: &connectorv1.EndpointSpec{
		Method: "GET", Url: other + "/steal", Paging: &connectorv1.Paging{Kind: NoPaging},
	}}})
	ae := ErrorFromStatus(err)
	if ae == nil || ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS || !strings.Contains(ae.GetMessage(), "outside the app's base URL") || hit.Load() {
		t.Fatalf("foreign host: %v (other host hit: %v); want a refusal before any request", ae, hit.Load())
	}
}

func TestFetchUnknownEndpoint(t *testing.T) {
	base, _ := usersApp(t, 1, false)
	_, err := fetchAll(t, dial(t, testConnector(base)), &connectorv1.FetchRequest{Settings: testSettings(base),
		Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "nope"}})
	if ae := ErrorFromStatus(err); ae == nil || !strings.Contains(ae.GetMessage(), "no such inbound endpoint") {
		t.Fatalf("got %v", err)
	}
}

// TestFetchEndsOnEmptyPageDespiteHeader guards the header shortcut: an app
// that says "more" on an empty page must not make the connector page
// forever.
func TestFetchEndsOnEmptyPageDespiteHeader(t *testing.T) {
	var calls atomic.Int32
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Last-Page", "false")
		if r.URL.Query().Get("page") == "1" {
			fmt.Fprint(w, `[{"id":"u0"},{"id":"u1"}]`)
			return
		}
		fmt.Fprint(w, `[]`)
	})
	cl := dial(t, testConnector(base))
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := records(msgs); len(got) != 2 || calls.Load() > 2+pagesAhead {
		t.Fatalf("records %v after %d calls; want 2 records and paging to stop at the empty page", got, calls.Load())
	}
}

// TestFetchReadAheadKeepsOrderAndDropsFailuresPastTheEnd serves pages
// that answer faster the later they are, and a 404 past the last page (as
// some APIs do): records must arrive in page order, and the failed
// requests past the end must not fail the fetch.
func TestFetchReadAheadKeepsOrderAndDropsFailuresPastTheEnd(t *testing.T) {
	const pages = 6
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page > pages {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"no such page","code":404}`)
			return
		}
		time.Sleep(time.Duration(pages-page) * 3 * time.Millisecond)
		w.Header().Set("Last-Page", strconv.FormatBool(page == pages))
		fmt.Fprintf(w, `[{"id":"u%d"},{"id":"u%d"}]`, 2*page-2, 2*page-1)
	})
	cl := dial(t, testConnector(base))
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil {
		t.Fatalf("a failure past the last page failed the fetch: %v", err)
	}
	if got := fmt.Sprint(records(msgs)); got != "[u0 u1 u2 u3 u4 u5 u6 u7 u8 u9 u10 u11]" {
		t.Fatalf("records %s; want all twelve in page order", got)
	}
}

// TestFetchFailsWhenANeededPageFails: read-ahead must not hide a page
// that exists and could not be read.
func TestFetchFailsWhenANeededPageFails(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"broken page","code":400}`)
			return
		}
		fmt.Fprint(w, `[{"id":"a"},{"id":"b"}]`)
	})
	cl := dial(t, testConnector(base))
	_, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err == nil || !strings.Contains(err.Error(), "broken page") {
		t.Fatalf("err = %v; want page 2's failure", err)
	}
}
