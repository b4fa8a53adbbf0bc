package connectortest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/sdk"
)

// oneBasedApp serves n users with a 1-based startIndex, as SCIM does.
func oneBasedApp(t *testing.T, n int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		if start < 1 {
			start = 1 // RFC 7644: less than 1 is read as 1
		}
		var recs []string
		for i := start; i < start+count && i <= n; i++ {
			recs = append(recs, fmt.Sprintf(`{"id":"u%d"}`, i))
		}
		fmt.Fprintf(w, `{"totalResults":%d,"Resources":[%s]}`, n, strings.Join(recs, ","))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func pagedConnector(firstIndex int) sdk.Connector {
	return sdk.Connector{
		Info:     sdk.Info{ID: "paged", Name: "Paged", Version: "1.0.0"},
		Settings: []sdk.Setting{{Key: "base", Type: sdk.URL, Required: true}},
		BaseURL:  sdk.BaseURL{Setting: "base"},
		Endpoints: []sdk.Endpoint{{ID: "users", Name: "Users", URL: "/Users", RecordsPath: "Resources", PrimaryKey: "id",
			Paging: sdk.Paging{Kind: sdk.Offset, PageParam: "startIndex", SizeParam: "count", PageSize: 10, FirstPage: firstIndex}}},
	}
}

// kitFor prepares the kit's checks against c and the app at base.
func kitFor(t *testing.T, c sdk.Connector, base string) *kit {
	cl := InProcess(t, c)
	k := &kit{cfg: Config{BaseURLSetting: "base"}, cl: cl}
	d, err := cl.Describe(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	k.desc = d
	k.upstream, _ = url.Parse(base)
	k.settings = map[string]string{"base": base}
	return k
}

// TestFullFetchCatchesRecordsRepeatedAtPageEdges: 0-based offsets against
// a 1-based app read one record twice at every page edge (a full fetch of
// 25 users returns 27); the kit names the repeat. Declared 1-based, the
// same endpoint passes.
func TestFullFetchCatchesRecordsRepeatedAtPageEdges(t *testing.T) {
	srv := oneBasedApp(t, 25)
	k := kitFor(t, pagedConnector(0), srv.URL)
	problems := k.fetchProblems(k.desc.GetEndpoints()[0])
	if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), "share the primary key") {
		t.Fatalf("problems %v, want a repeated primary key", problems)
	}
	k = kitFor(t, pagedConnector(1), srv.URL)
	if problems := k.fetchProblems(k.desc.GetEndpoints()[0]); len(problems) > 0 {
		t.Fatalf("a correct 1-based declaration: %v", problems)
	}
}

// TestFullFetchCatchesRecordsLostAtPageEdges: an app that drops the last
// record of every full page loses records only at some page sizes; the
// kit's second fetch at another page size shows the difference.
func TestFullFetchCatchesRecordsLostAtPageEdges(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		var recs []string
		for i := start; i < start+count && i <= 25; i++ {
			if i == start+count-1 && count == 10 {
				continue // the bug: the page edge is lost at page size 10
			}
			recs = append(recs, fmt.Sprintf(`{"id":"u%d"}`, i))
		}
		if len(recs) == 9 {
			recs = append(recs, `{"id":"pad`+strconv.Itoa(start)+`"}`) // keep the page full so paging goes on
		}
		fmt.Fprintf(w, `{"Resources":[%s]}`, strings.Join(recs, ","))
	}))
	t.Cleanup(srv.Close)
	k := kitFor(t, pagedConnector(1), srv.URL)
	problems := k.fetchProblems(k.desc.GetEndpoints()[0])
	if !strings.Contains(strings.Join(problems, "\n"), "lost or repeated at page edges") {
		t.Fatalf("problems %v, want records lost at page edges", problems)
	}
}

func TestInvokeReturnsOutputsAsAPlainMap(t *testing.T) {
	srv := tinyApp(t)
	c := tinyConnector()
	cl := InProcess(t, c)
	d, err := cl.Describe(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Invoke(t.Context(), cl, map[string]string{"ws": "ws1", "base": srv.URL + "/api", "apiKey": "tiny-key-123"},
		d.GetWebhooks()[0], map[string]string{"email": `o'"brien@x.io`})
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := res.Outputs["id"].(string); !ok || id != "4" {
		t.Fatalf("outputs %#v", res.Outputs)
	}
	if _, err := Invoke(t.Context(), cl, nil, d.GetWebhooks()[0], nil); err == nil || !strings.Contains(err.Error(), "email") {
		t.Fatalf("missing macro: %v", err)
	}
}
