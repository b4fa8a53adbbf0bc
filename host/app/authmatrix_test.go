//go:build linux

package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
)

// fullHost is a host with every service wired (the embedded demo directory
// stands in for AD), serving on loopback.
type fullHost struct {
	*app.App
	base  string
	admin string
}

func startFullHost(t *testing.T) *fullHost {
	t.Helper()
	h := apptest.Start(t, app.Options{DemoDirectory: true})
	return &fullHost{App: h.App, base: h.Base, admin: h.Admin}
}

func (h *fullHost) token(t *testing.T, role api.Role) string {
	t.Helper()
	secret, _, err := h.Tokens.Create(context.Background(), "matrix "+role.String(), role)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

var wildcard = regexp.MustCompile(`\{[^}]+\}`)

func (h *fullHost) call(t *testing.T, method, pattern, token string) int {
	t.Helper()
	status, _ := apptest.Send(t, h.base, method, wildcard.ReplaceAllString(pattern, "matrix-x"), token, `{}`)
	return status
}

// TestEveryRouteAuthMatrix walks the whole route table: no token is 401
// everywhere, an auditor is refused every operator and admin route, an
// operator every admin route, and the OpenAPI document lists each route.
func TestEveryRouteAuthMatrix(t *testing.T) {
	h := startFullHost(t)
	auditor, operator := h.token(t, api.RoleAuditor), h.token(t, api.RoleOperator)
	routes := h.API.Routes()
	// Every service must be mounted: one route of each proves it.
	for _, want := range []string{"/v1/extensions", "/v1/integrations", "/v1/integrations/{id}/inbound", "/v1/datasources",
		"/v1/integrations/{integration}/webhooks", "/v1/templates", "/v1/runs", "/v1/automations", "/v1/plugins",
		"/v1/tokens", "/v1/audit", "/v1/catalogs", "/v1/templates/install"} {
		found := false
		for _, r := range routes {
			found = found || r.Pattern == want || strings.HasPrefix(r.Pattern, want+"/")
		}
		if !found {
			t.Errorf("no route %s: a service is not mounted", want)
		}
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	req, _ := http.NewRequest("GET", h.base+"/v1/openapi.json", nil)
	req.Header.Set("Authorization", "Bearer "+auditor)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	for _, r := range routes {
		name := r.Method + " " + r.Pattern
		if _, ok := doc.Paths[r.Pattern][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s is missing from the OpenAPI document", name)
		}
		if got := h.call(t, r.Method, r.Pattern, ""); got != http.StatusUnauthorized {
			t.Errorf("%s without a token: %d, want 401", name, got)
		}
		if got := h.call(t, r.Method, r.Pattern, "not-a-token"); got != http.StatusUnauthorized {
			t.Errorf("%s with an unknown token: %d, want 401", name, got)
		}
		if r.MinRole >= api.RoleOperator {
			if got := h.call(t, r.Method, r.Pattern, auditor); got != http.StatusForbidden {
				t.Errorf("%s as auditor: %d, want 403", name, got)
			}
		}
		if r.MinRole >= api.RoleAdmin {
			if got := h.call(t, r.Method, r.Pattern, operator); got != http.StatusForbidden {
				t.Errorf("%s as operator: %d, want 403", name, got)
			}
		}
		if r.MinRole == api.RoleAuditor && r.Method == http.MethodGet {
			if got := h.call(t, r.Method, r.Pattern, auditor); got == http.StatusUnauthorized || got == http.StatusForbidden {
				t.Errorf("%s as auditor: %d, the route is open to auditors", name, got)
			}
		}
	}
	if len(routes) < 60 {
		t.Errorf("only %d routes mounted", len(routes))
	}
	t.Logf("%d routes walked", len(routes))
}

// TestConfigurationChangesAreInTheAuditLog checks the persistent audit log:
// who, what, target and the request body with the secret masked, readable
// by an auditor and not by a client without a token.
func TestConfigurationChangesAreInTheAuditLog(t *testing.T) {
	h := startFullHost(t)
	const secret = "s3cr3t-api-key-value"
	for _, body := range []string{
		`{"name":"main","location":"https://catalog.example.com/catalog.json"}`,
	} {
		apptest.Send(t, h.base, "POST", "/v1/catalogs", h.admin, body)
	}
	// A refused change carrying a secret is audited too, masked.
	apptest.Send(t, h.base, "PATCH", "/v1/integrations/nope/authorization", h.admin, `{"apiKey":"`+secret+`"}`)

	auditor := h.token(t, api.RoleAuditor)
	var page api.AuditPage
	if st := getJSON(t, h.base+"/v1/audit?target=catalogs", auditor, &page); st != 200 {
		t.Fatalf("/v1/audit as auditor: %d", st)
	}
	if len(page.Entries) != 1 {
		t.Fatalf("catalog entries: %+v", page.Entries)
	}
	e := page.Entries[0]
	if e.Action != "POST /v1/catalogs" || e.Target != "catalogs" || !strings.HasPrefix(e.Actor, "admin (bootstrap)") ||
		e.Outcome != "ok" || !strings.Contains(string(e.After), "catalog.example.com") || e.At.IsZero() {
		t.Fatalf("catalog entry: %+v after=%s", e, e.After)
	}
	if st := getJSON(t, h.base+"/v1/audit?target=integrations/nope", auditor, &page); st != 200 || len(page.Entries) != 1 {
		t.Fatalf("authorization entries: %d %+v", st, page.Entries)
	}
	raw, _ := json.Marshal(page)
	if strings.Contains(string(raw), secret) || !strings.Contains(string(raw), api.Redacted) {
		t.Fatalf("the secret is not masked in the audit log: %s", raw)
	}
	if page.Entries[0].Outcome == "ok" {
		t.Fatalf("a refused change is recorded as ok: %+v", page.Entries[0])
	}
	if st := getJSON(t, h.base+"/v1/audit", "", &page); st != http.StatusUnauthorized {
		t.Fatalf("/v1/audit without a token: %d", st)
	}
	if st := getJSON(t, h.base+"/v1/audit?since=yesterday", auditor, &page); st != http.StatusBadRequest {
		t.Fatalf("bad since: %d", st)
	}
}

// TestMetricsOnLoopback checks /metrics needs no token on loopback and
// exports the API latency and queue depth.
func TestMetricsOnLoopback(t *testing.T) {
	h := startFullHost(t)
	var v any
	getJSON(t, h.base+"/v1/integrations", h.admin, &v)
	resp, err := http.Get(h.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := new(strings.Builder)
	_, _ = io.Copy(buf, resp.Body)
	body := buf.String()
	for _, want := range []string{
		`idbridge_api_request_duration_seconds_count{method="GET",route="/v1/integrations",status="200"} 1`,
		`idbridge_queue_actions{state="pending"} 0`,
		`idbridge_runs{status="succeeded"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
}

// TestCatalogsFromFlags checks that --catalog values (NAME=URL or a bare
// URL) are configured at start, and that a bad one stops the start with
// the flag named.
func TestCatalogsFromFlags(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), Catalogs: []string{"main=https://c.example.com/catalog", "https://d.example.com/index.json"}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cats, err := a.Services.Extensions.Catalogs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range cats {
		got[c.Name] = c.Location
	}
	if got["main"] != "https://c.example.com/catalog" || got["default-2"] != "https://d.example.com/index.json" || len(got) != 2 {
		t.Fatalf("catalogs %v", got)
	}
	_, err = app.New(ctx, app.Options{DataDir: t.TempDir(), Catalogs: []string{"Bad Name=ftp://x"}})
	if err == nil || !strings.Contains(err.Error(), "--catalog") {
		t.Fatalf("bad catalog: %v", err)
	}
}
