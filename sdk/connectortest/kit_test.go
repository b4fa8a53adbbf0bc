package connectortest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// tinyApp is a three-user API with a key, 1-based paging and a create call.
func tinyApp(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "tiny-key-123" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"message":"bad key"}`)
			return
		}
		switch {
		case r.Method == "GET" && r.URL.Path == "/api/t/ws1/users":
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			if page > 1 {
				fmt.Fprint(w, `[]`)
				return
			}
			fmt.Fprint(w, `[{"id":"1"},{"id":"2"},{"id":"3"}]`)
		case r.Method == "POST" && r.URL.Path == "/api/t/ws1/users":
			b, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(b), `"o'\"brien@x.io"`) {
				w.WriteHeader(400)
				return
			}
			fmt.Fprint(w, `{"id":"4"}`)
		default:
			w.WriteHeader(404)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func tinyConnector() sdk.Connector {
	return sdk.Connector{
		Info:      sdk.Info{ID: "tiny", Name: "Tiny", Version: "1.0.0"},
		Settings:  []sdk.Setting{{Key: "ws", Required: true}, {Key: "base", Type: sdk.URL}, {Key: "apiKey", Secret: true, Required: true}},
		BaseURL:   sdk.BaseURL{Setting: "base", Default: "https://tiny.example.com/api"},
		Auth:      sdk.HeaderAuth("X-Api-Key", "apiKey"),
		RateLimit: sdk.RateLimit{PerSecond: 40, Burst: 4},
		Retry:     httpexec.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond},
		Endpoints: []sdk.Endpoint{{ID: "users", Name: "Users", URL: "/t/{ws}/users", PrimaryKey: "id",
			Paging: sdk.Paging{Kind: sdk.PageNumber, PageParam: "page", SizeParam: "size", PageSize: 10, FirstPage: 1},
			Fields: []sdk.Field{{Path: "id"}}}},
		Webhooks: []sdk.Webhook{{ID: "add", Name: "Add", Method: "POST", URL: "/t/{ws}/users", MessageType: sdk.JSON,
			Body: `{"email":"%email%"}`, Outputs: []sdk.Output{{Name: "id", Path: "id"}}}},
	}
}

// TestRunPassesAGoodConnector runs the whole kit in-process; a sample with
// quotes proves the kit escapes JSON as the host does.
func TestRunPassesAGoodConnector(t *testing.T) {
	srv := tinyApp(t)
	Run(t, Config{
		Connector:      tinyConnector(),
		Settings:       map[string]string{"ws": "ws1", "base": srv.URL + "/api", "apiKey": "tiny-key-123"},
		BaseURLSetting: "base",
		Samples:        map[string]map[string]string{"add": {"email": `o'"brien@x.io`}},
	})
}

func TestDescribeProblemsFindsDefects(t *testing.T) {
	c := tinyConnector()
	d := c.Describe()
	if p := describeProblems(d); len(p) != 0 {
		t.Fatalf("a good declaration has problems: %v", p)
	}
	d.Settings[2].Secret = false
	d.Endpoints[0].Url = "/t/{workspace}/users"
	d.Endpoints[0].PrimaryKey = "uid"
	d.Webhooks = append(d.Webhooks, d.Webhooks[0])
	d.RateLimit = nil
	d.Settings[1].DefaultValue = "ftp://x"
	got := strings.Join(describeProblems(d), "\n")
	for _, want := range []string{`"apiKey" looks like a credential`, "{workspace} is not a declared setting",
		`primary key "uid"`, `webhook id "add" is empty or declared twice`, "no default rate limit", `"ftp://x" is not an http(s) URL`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q:\n%s", want, got)
		}
	}
}

func TestRenderReportsMissingMacros(t *testing.T) {
	w := &connectorv1.WebhookSpec{Method: "PUT", Url: "/u/%id%?x=%q%", Body: `{"a":"%a%"}`, MessageType: connectorv1.MessageType_MESSAGE_TYPE_JSON}
	call, _, missing := Render(w, map[string]string{"id": "a/b", "q": "x y"})
	if fmt.Sprint(missing) != "[a]" {
		t.Fatalf("missing = %v, want [a]", missing)
	}
	if call.GetUrl() != "/u/a%2Fb?x=x+y" {
		t.Fatalf("url = %s", call.GetUrl())
	}
}
