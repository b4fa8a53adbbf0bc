package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/store"
)

// fixture is a server with one token per role and a few routes that cover
// every answer shape.
type fixture struct {
	srv    *httptest.Server
	api    *api.Server
	tokens map[api.Role]string
	audit  *recorder
}

type recorder struct {
	mu      sync.Mutex
	entries []api.AuditEntry
}

func (r *recorder) Audit(_ context.Context, e api.AuditEntry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, e)
	return nil
}

func (r *recorder) all() []api.AuditEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]api.AuditEntry(nil), r.entries...)
}

type widget struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	tokens := api.NewTokens(store.NewMemoryDocs())
	f := &fixture{tokens: map[api.Role]string{}, audit: &recorder{}}
	for _, r := range []api.Role{api.RoleAuditor, api.RoleOperator, api.RoleAdmin} {
		secret, _, err := tokens.Create(ctx, r.String()+"-token", r)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = secret
	}
	f.api = api.NewServer(api.Options{Auth: tokens, Auditor: f.audit, Version: "test"})
	routes := []api.Route{
		{Method: "GET", Pattern: "/v1/widgets/{id}", MinRole: api.RoleAuditor, Summary: "Show a widget", Response: widget{},
			Handler: func(c *api.Call) (any, error) {
				switch c.PathValue("id") {
				case "missing":
					return nil, fmt.Errorf("widget %q: %w", "missing", store.ErrNotFound)
				case "raced":
					return nil, fmt.Errorf("save widget: %w", store.ErrConflict)
				case "broken":
					return nil, errors.New("disk on fire at /secret/path")
				case "panics":
					panic("boom")
				}
				return widget{Name: c.PathValue("id"), Count: 1}, nil
			}},
		{Method: "POST", Pattern: "/v1/widgets", MinRole: api.RoleAdmin, Summary: "Create a widget", Request: widget{}, Response: widget{},
			Status: http.StatusCreated,
			Handler: func(c *api.Call) (any, error) {
				var w widget
				if err := c.Decode(&w); err != nil {
					return nil, err
				}
				if w.Count < 0 {
					return nil, api.BadRequest("count must not be negative")
				}
				c.AuditChange(nil, w)
				return api.Created(w), nil
			}},
		{Method: "POST", Pattern: "/v1/widgets/{id}/spin", MinRole: api.RoleOperator, Summary: "Spin a widget",
			Handler: func(c *api.Call) (any, error) { return nil, nil }},
		// The declared status answers a plain value: no api.Created needed.
		{Method: "PUT", Pattern: "/v1/widgets/{id}", MinRole: api.RoleAdmin, Summary: "Create a widget under an id",
			Request: widget{}, Response: widget{}, Status: http.StatusCreated, Errors: []int{http.StatusConflict},
			Handler: func(c *api.Call) (any, error) {
				var w widget
				if err := c.Decode(&w); err != nil {
					return nil, err
				}
				return w, nil
			}},
		{Method: "POST", Pattern: "/v1/widgets/{id}/polish", MinRole: api.RoleOperator, Summary: "Queue a polish",
			Status:  http.StatusAccepted,
			Handler: func(c *api.Call) (any, error) { return nil, nil }},
		{Method: "DELETE", Pattern: "/v1/widgets/{id}", MinRole: api.RoleAdmin, Summary: "Delete a widget",
			Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				if c.PathValue("id") == "missing" {
					return nil, fmt.Errorf("widget %q: %w", "missing", store.ErrNotFound)
				}
				return nil, nil
			}},
		{Method: "GET", Pattern: "/v1/widgets/{id}/feed", MinRole: api.RoleAuditor, Summary: "Stream a widget's events", Response: widget{},
			Handler: func(c *api.Call) (any, error) {
				return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "application/x-ndjson")
					_, _ = io.WriteString(w, `{"name":"one"}`+"\n")
				}), nil
			}},
	}
	if err := f.api.Mount(routeList(routes)); err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.api)
	t.Cleanup(f.srv.Close)
	return f
}

type routeList []api.Route

func (r routeList) Routes() []api.Route { return r }

type answer struct {
	status int
	body   map[string]any
	raw    string
}

func (f *fixture) do(t *testing.T, method, path, token, body string) answer {
	t.Helper()
	status, raw := apptest.Send(t, f.srv.URL, method, path, token, body)
	a := answer{status: status, raw: string(raw)}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &a.body)
	}
	return a
}

func (a answer) errCode() string {
	e, _ := a.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (a answer) errMessage() string {
	e, _ := a.body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name, token string
	}{
		{"no token", ""},
		{"unknown token", "idb_not-a-real-token"},
		{"not an idbridge token", "hunter2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := f.do(t, "GET", "/v1/widgets/one", tc.token, "")
			if a.status != http.StatusUnauthorized || a.errCode() != "unauthenticated" {
				t.Fatalf("got %d %s, want 401 unauthenticated", a.status, a.raw)
			}
			if !strings.Contains(a.errMessage(), "Authorization: Bearer") {
				t.Errorf("message %q does not say how to authenticate", a.errMessage())
			}
		})
	}
	t.Run("wrong scheme", func(t *testing.T) {
		req, _ := http.NewRequest("GET", f.srv.URL+"/v1/widgets/one", nil)
		req.Header.Set("Authorization", "Basic "+f.tokens[api.RoleAdmin])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	})
}

func TestRoles(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		role   api.Role
		method string
		path   string
		body   string
		want   int
	}{
		{api.RoleAuditor, "GET", "/v1/widgets/one", "", 200},
		{api.RoleAuditor, "POST", "/v1/widgets/one/spin", "", 403},
		{api.RoleAuditor, "POST", "/v1/widgets", `{"name":"a"}`, 403},
		{api.RoleOperator, "POST", "/v1/widgets/one/spin", "", 204},
		{api.RoleOperator, "POST", "/v1/widgets", `{"name":"a"}`, 403},
		{api.RoleAdmin, "POST", "/v1/widgets/one/spin", "", 204},
		{api.RoleAdmin, "POST", "/v1/widgets", `{"name":"a"}`, 201},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %s %s", tc.role, tc.method, tc.path), func(t *testing.T) {
			a := f.do(t, tc.method, tc.path, f.tokens[tc.role], tc.body)
			if a.status != tc.want {
				t.Fatalf("status %d (%s), want %d", a.status, a.raw, tc.want)
			}
			if tc.want == 403 {
				if a.errCode() != "forbidden" || !strings.Contains(a.errMessage(), "needs the") {
					t.Errorf("403 body %s does not name the needed role", a.raw)
				}
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	f := newFixture(t)
	tok := f.tokens[api.RoleAuditor]
	cases := []struct {
		id, code string
		status   int
	}{
		{"missing", "not_found", 404},
		{"raced", "conflict", 409},
		{"broken", "internal", 500},
		{"panics", "internal", 500},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			a := f.do(t, "GET", "/v1/widgets/"+tc.id, tok, "")
			if a.status != tc.status || a.errCode() != tc.code {
				t.Fatalf("got %d %s, want %d %s", a.status, a.raw, tc.status, tc.code)
			}
		})
	}
	t.Run("500 hides the cause", func(t *testing.T) {
		a := f.do(t, "GET", "/v1/widgets/broken", tok, "")
		if strings.Contains(a.raw, "/secret/path") {
			t.Fatalf("internal detail leaked: %s", a.raw)
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		a := f.do(t, "PATCH", "/v1/widgets/one", tok, "")
		if a.status != 405 || a.errCode() != "method_not_allowed" || !strings.Contains(a.errMessage(), "GET") {
			t.Fatalf("got %d %s, want 405 naming GET", a.status, a.raw)
		}
	})
	t.Run("unknown route", func(t *testing.T) {
		a := f.do(t, "GET", "/v1/nothing-here", tok, "")
		if a.status != 404 || a.errCode() != "not_found" {
			t.Fatalf("got %d %s", a.status, a.raw)
		}
	})
}

func TestDecode(t *testing.T) {
	f := newFixture(t)
	tok := f.tokens[api.RoleAdmin]
	cases := []struct {
		name, body, code string
		status           int
	}{
		{"ok", `{"name":"a","count":2}`, "", 201},
		{"unknown field", `{"name":"a","colour":"red"}`, "invalid_request", 400},
		{"not json", `{"name":`, "invalid_request", 400},
		{"trailing data", `{"name":"a"} {"name":"b"}`, "invalid_request", 400},
		{"empty", ``, "invalid_request", 400},
		{"handler validation", `{"name":"a","count":-1}`, "invalid_request", 400},
		{"too large", `{"name":"` + strings.Repeat("x", api.MaxBodyBytes) + `"}`, "body_too_large", 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := f.do(t, "POST", "/v1/widgets", tok, tc.body)
			if a.status != tc.status || a.errCode() != tc.code {
				t.Fatalf("got %d %.200s, want %d %q", a.status, a.raw, tc.status, tc.code)
			}
		})
	}
	// A JSON mistake is placed by line and column, as an editor shows
	// them, never by byte offset. See decision 0229.
	t.Run("syntax error has line and column", func(t *testing.T) {
		a := f.do(t, "POST", "/v1/widgets", tok, "{\n  \"name\": \"a\",\n  \"count\": 2,\n}")
		if m := a.errMessage(); !strings.Contains(m, "at line 4, column 1") || strings.Contains(m, "byte") {
			t.Errorf("message %q, want the line and column of the stray }", m)
		}
	})
	t.Run("type error has line and column", func(t *testing.T) {
		a := f.do(t, "POST", "/v1/widgets", tok, "{\n  \"name\": \"ä\",\n  \"count\": \"two\"\n}")
		if m := a.errMessage(); !strings.Contains(m, "count") || !strings.Contains(m, "(line 3)") {
			t.Errorf("message %q, want the field and line of the wrong value", m)
		}
	})
	t.Run("unknown field is named", func(t *testing.T) {
		a := f.do(t, "POST", "/v1/widgets", tok, `{"colour":"red"}`)
		if !strings.Contains(a.errMessage(), "colour") {
			t.Errorf("message %q does not name the field", a.errMessage())
		}
	})
}

func TestAudit(t *testing.T) {
	f := newFixture(t)
	f.do(t, "GET", "/v1/widgets/one", f.tokens[api.RoleAdmin], "")
	f.do(t, "POST", "/v1/widgets/one/spin", f.tokens[api.RoleAdmin], "")
	f.do(t, "POST", "/v1/widgets", f.tokens[api.RoleOperator], `{"name":"refused"}`)
	f.do(t, "POST", "/v1/widgets", f.tokens[api.RoleAdmin], `{"name":"made","count":3}`)
	got := f.audit.all()
	if len(got) != 2 {
		t.Fatalf("audited %d calls, want the refused attempt and the admin change: %+v", len(got), got)
	}
	if d := got[0]; d.Actor != "operator-token" || d.Status != 403 || d.Error == "" {
		t.Errorf("refused attempt entry %+v", d)
	}
	e := got[1]
	if e.Actor != "admin-token" || e.Role != api.RoleAdmin || e.Route != "/v1/widgets" || e.Method != "POST" || e.Status != 201 {
		t.Errorf("entry %+v", e)
	}
	if e.Time.IsZero() || e.RequestID == "" || e.TokenID == "" {
		t.Errorf("entry lacks when/request/token: %+v", e)
	}
	if w, ok := e.After.(widget); !ok || w.Name != "made" {
		t.Errorf("After = %#v, want the created widget", e.After)
	}
}

func TestHealthAndReady(t *testing.T) {
	ready := errors.New("store is still opening")
	var mu sync.Mutex
	srv := api.NewServer(api.Options{Auth: api.NewTokens(store.NewMemoryDocs()), Ready: func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		return ready
	}})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	get := func(path string) int {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("/healthz"); s != 200 {
		t.Errorf("/healthz %d", s)
	}
	if s := get("/readyz"); s != 503 {
		t.Errorf("/readyz while not ready: %d, want 503", s)
	}
	mu.Lock()
	ready = nil
	mu.Unlock()
	if s := get("/readyz"); s != 200 {
		t.Errorf("/readyz when ready: %d", s)
	}
}

func TestRegisterRefusesBadRoutes(t *testing.T) {
	srv := api.NewServer(api.Options{Auth: api.NewTokens(store.NewMemoryDocs())})
	h := func(*api.Call) (any, error) { return nil, nil }
	cases := map[string]api.Route{
		"no role":          {Method: "GET", Pattern: "/v1/x", Handler: h},
		"no handler":       {Method: "GET", Pattern: "/v1/x", MinRole: api.RoleAdmin},
		"outside v1":       {Method: "GET", Pattern: "/x", MinRole: api.RoleAdmin, Handler: h},
		"lower-case verb":  {Method: "get", Pattern: "/v1/x", MinRole: api.RoleAdmin, Handler: h},
		"duplicate of doc": {Method: "GET", Pattern: "/v1/openapi.json", MinRole: api.RoleAdmin, Handler: h},
		"error as success": {Method: "GET", Pattern: "/v1/x", MinRole: api.RoleAdmin, Handler: h, Status: http.StatusNotFound},
		"success as error": {Method: "GET", Pattern: "/v1/x", MinRole: api.RoleAdmin, Handler: h, Errors: []int{http.StatusOK}},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			if err := srv.Register(r); err == nil {
				t.Fatal("Register accepted an invalid route")
			}
		})
	}
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	f := newFixture(t)
	a := f.do(t, "GET", "/v1/openapi.json", f.tokens[api.RoleAuditor], "")
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	doc, err := openapi3.NewLoader().LoadFromData([]byte(a.raw))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	op := doc.Paths.Find("/v1/widgets/{id}")
	if op == nil || op.Get == nil {
		t.Fatalf("route /v1/widgets/{id} missing from %v", doc.Paths.InMatchingOrder())
	}
	if op.Get.Summary != "Show a widget" || op.Get.Extensions["x-min-role"] != "auditor" {
		t.Errorf("operation %+v", op.Get)
	}
	if len(op.Get.Parameters) != 1 || op.Get.Parameters[0].Value.Name != "id" {
		t.Errorf("path parameter id not declared")
	}
	if _, ok := doc.Components.Schemas["widget"]; !ok {
		t.Errorf("schema of widget missing")
	}
	// Every operation promises one success status; which one each route
	// answers is checked by TestEveryFixtureRouteAnswersItsDocumentedStatus.
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documentedSuccess(t, op, method+" "+path)
		}
	}
}

func newHTTPServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func TestServerWithoutAuthRefusesAll(t *testing.T) {
	hs := newHTTPServer(t, api.NewServer(api.Options{}))
	req, _ := http.NewRequest("GET", hs.URL+"/v1/openapi.json", nil)
	req.Header.Set("Authorization", "Bearer idb_anything")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", resp.StatusCode)
	}
}
