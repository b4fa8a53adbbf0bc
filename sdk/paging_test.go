package sdk

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
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
