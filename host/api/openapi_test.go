package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/store"
)

// published fetches and validates the OpenAPI document a server serves.
func published(t *testing.T, base, token string) *openapi3.T {
	t.Helper()
	status, raw := apptest.Send(t, base, http.MethodGet, "/v1/openapi.json", token, "")
	if status != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json: %d %s", status, raw)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	return doc
}

// operation returns the document's operation for a route pattern.
func operation(t *testing.T, doc *openapi3.T, method, pattern string) *openapi3.Operation {
	t.Helper()
	path := regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\.\.\.\}`).ReplaceAllString(pattern, "{$1}")
	path = strings.ReplaceAll(path, "{$}", "")
	item := doc.Paths.Find(path)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("%s %s is missing from the OpenAPI document", method, pattern)
	}
	return item.GetOperation(method)
}

// documentedSuccess is the one 2xx status an operation lists; a route
// listing none or several leaves clients guessing, so it fails the test.
func documentedSuccess(t *testing.T, op *openapi3.Operation, name string) int {
	t.Helper()
	var out []int
	for key := range op.Responses.Map() {
		if code, err := strconv.Atoi(key); err == nil && code >= 200 && code < 300 {
			out = append(out, code)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%s documents success statuses %v, want exactly one", name, out)
	}
	return out[0]
}

// responseKeys are the statuses an operation lists, sorted.
func responseKeys(op *openapi3.Operation) []string {
	keys := op.Responses.Keys()
	slices.Sort(keys)
	return keys
}

// TestEveryFixtureRouteAnswersItsDocumentedStatus calls each documented
// route of the fixture, which covers every answer shape (a value, nil,
// api.Created, a declared 201 and 202, a streamed http.Handler), and
// checks that the status sent on success is the one the document lists.
func TestEveryFixtureRouteAnswersItsDocumentedStatus(t *testing.T) {
	f := newFixture(t)
	admin := f.tokens[api.RoleAdmin]
	doc := published(t, f.srv.URL, admin)
	routes := f.api.Routes()
	if n := len(doc.Paths.Map()); n == 0 {
		t.Fatal("the document lists no paths")
	}
	for _, r := range routes {
		name := r.Method + " " + r.Pattern
		t.Run(name, func(t *testing.T) {
			op := operation(t, doc, r.Method, r.Pattern)
			want := documentedSuccess(t, op, name)
			body := ""
			if op.RequestBody != nil {
				body = `{"name":"one","count":1}`
			}
			a := f.do(t, r.Method, strings.ReplaceAll(r.Pattern, "{id}", "one"), admin, body)
			if a.status != want {
				t.Fatalf("%s answered %d (%.200s); the OpenAPI document says %d", name, a.status, a.raw, want)
			}
			if want == http.StatusNoContent && a.raw != "" {
				t.Errorf("%s answered 204 with a body: %q", name, a.raw)
			}
		})
	}
}

// TestOpenAPIListsExactlyTheStatuses pins which statuses each kind of
// route lists: its success status, 401 always, 403 only when a role can
// be refused, 400 and 413 only with a request body, and declared errors.
func TestOpenAPIListsExactlyTheStatuses(t *testing.T) {
	f := newFixture(t)
	doc := published(t, f.srv.URL, f.tokens[api.RoleAuditor])
	cases := []struct {
		method, pattern string
		want            []string
	}{
		{"GET", "/v1/widgets/{id}", []string{"200", "401", "default"}},
		{"POST", "/v1/widgets", []string{"201", "400", "401", "403", "413", "default"}},
		{"POST", "/v1/widgets/{id}/spin", []string{"204", "401", "403", "default"}},
		{"PUT", "/v1/widgets/{id}", []string{"201", "400", "401", "403", "409", "413", "default"}},
		{"POST", "/v1/widgets/{id}/polish", []string{"202", "401", "403", "default"}},
		{"DELETE", "/v1/widgets/{id}", []string{"204", "401", "403", "404", "default"}},
		{"GET", "/v1/openapi.json", []string{"200", "401", "default"}},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.pattern, func(t *testing.T) {
			op := operation(t, doc, tc.method, tc.pattern)
			if got := responseKeys(op); !slices.Equal(got, tc.want) {
				t.Fatalf("responses %v, want %v", got, tc.want)
			}
			if ok := op.Responses.Value("204"); ok != nil && len(ok.Value.Content) != 0 {
				t.Errorf("a 204 answer is documented with a body")
			}
			if e := op.Responses.Value("401"); e == nil || e.Value.Content.Get("application/json") == nil {
				t.Errorf("the 401 answer does not document the error body")
			}
		})
	}
	created := operation(t, doc, "POST", "/v1/widgets").Responses.Value("201")
	if created.Value.Content.Get("application/json") == nil {
		t.Errorf("the 201 answer lost the widget schema")
	}
}

// TestUndeclaredSuccessStatusIsLogged: a handler that picks a status its
// route does not declare still answers it, but the host log says the
// document is wrong and how to fix the route.
func TestUndeclaredSuccessStatusIsLogged(t *testing.T) {
	var logs bytes.Buffer
	tokens := api.NewTokens(store.NewMemoryDocs())
	secret, _, err := tokens.Create(context.Background(), "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens, Logger: hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Debug})})
	if err := srv.Register(
		api.Route{Method: "POST", Pattern: "/v1/undeclared", MinRole: api.RoleAdmin, Summary: "Create without saying so", Response: widget{},
			Handler: func(*api.Call) (any, error) { return api.Created(widget{Name: "a"}), nil }},
		api.Route{Method: "POST", Pattern: "/v1/declared", MinRole: api.RoleAdmin, Summary: "Create and say so", Response: widget{},
			Status:  http.StatusCreated,
			Handler: func(*api.Call) (any, error) { return api.Created(widget{Name: "a"}), nil }},
	); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	post := func(path string) int {
		req, _ := http.NewRequest("POST", hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("/v1/declared"); st != http.StatusCreated {
		t.Fatalf("declared route answered %d", st)
	}
	if strings.Contains(logs.String(), "does not declare") {
		t.Fatalf("a declared status was reported as undeclared: %s", logs.String())
	}
	if st := post("/v1/undeclared"); st != http.StatusCreated {
		t.Fatalf("undeclared route answered %d; the handler's choice must stand", st)
	}
	if out := logs.String(); !strings.Contains(out, "does not declare") || !strings.Contains(out, "Route.Status") ||
		!strings.Contains(out, "/v1/undeclared") {
		t.Fatalf("the undeclared 201 was not reported with its fix: %s", out)
	}
}
