package integrations

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// apiFixture serves the routes with an admin and an auditor token.
type apiFixture struct {
	*fixture
	srv    *httptest.Server
	tokens map[api.Role]string
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	f := &apiFixture{fixture: newFixture(t), tokens: map[api.Role]string{}}
	tokens := api.NewTokens(store.NewMemoryDocs())
	for _, r := range []api.Role{api.RoleAuditor, api.RoleOperator, api.RoleAdmin} {
		secret, _, err := tokens.Create(context.Background(), r.String(), r)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = secret
	}
	s := api.NewServer(api.Options{Auth: tokens})
	if err := s.Mount(f.svc); err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(s)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *apiFixture) do(t *testing.T, role api.Role, method, path, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	// Compact JSON answers so expectations need not follow the server's
	// indentation.
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return resp.StatusCode, string(raw)
	}
	return resp.StatusCode, buf.String()
}

func TestRoutesStatusesAndMasking(t *testing.T) {
	f := newAPIFixture(t)
	admin, auditor, operator := api.RoleAdmin, api.RoleAuditor, api.RoleOperator
	steps := []struct {
		role         api.Role
		method, path string
		body         string
		status       int
		contains     string
	}{
		{admin, "POST", "/v1/integrations", `{"id":"main","extension_id":"fake","settings":{"workspaceId":"zz"}}`, 400, "invalid_settings"},
		{admin, "POST", "/v1/integrations", `{"id":"main","extension_id":"fake","settings":{"workspaceId":"abc123"},"authorization":{"apiKey":"wrong-key-value"}}`, 201, `"value":"****"`},
		{admin, "POST", "/v1/integrations", `{"id":"main","extension_id":"fake"}`, 409, "already exists"},
		{auditor, "GET", "/v1/integrations/nope", "", 404, "not_found"},
		{auditor, "PATCH", "/v1/integrations/main/settings", `{"rate":"5"}`, 403, ""},
		{admin, "PATCH", "/v1/integrations/main/settings", `{"rate":"five"}`, 400, "whole number"},
		{admin, "PATCH", "/v1/integrations/main/settings", `{"rate":"5"}`, 200, `"rate":"5"`},
		{admin, "POST", "/v1/integrations/main/enable", "", 422, "the app refused the API key"},
		{operator, "POST", "/v1/integrations/main/test", "", 200, `"ok":false`},
		{admin, "PATCH", "/v1/integrations/main/authorization", `{"apiKey":"` + testKey + `"}`, 200, `"set":true`},
		{admin, "POST", "/v1/integrations/main/enable", "", 200, `"enabled":true`},
		{auditor, "GET", "/v1/integrations/main/schema", "", 200, `"secret":true`},
		{admin, "DELETE", "/v1/integrations/main", "", 409, "disable it"},
		{admin, "POST", "/v1/integrations/main/disable", "", 200, `"enabled":false`},
		{auditor, "GET", "/v1/integrations", "", 200, `"id":"main"`},
		{admin, "DELETE", "/v1/integrations/main", "", 204, ""},
		{admin, "POST", "/v1/integrations", `{"id":"main","extension_id":"missing"}`, 404, "extension_not_installed"},
	}
	for i, s := range steps {
		status, body := f.do(t, s.role, s.method, s.path, s.body)
		if status != s.status || !strings.Contains(body, s.contains) {
			t.Fatalf("step %d %s %s: %d %s; want %d containing %q", i, s.method, s.path, status, body, s.status, s.contains)
		}
		if strings.Contains(body, testKey) || strings.Contains(body, "wrong-key-value") {
			t.Fatalf("step %d %s %s answered with a secret: %s", i, s.method, s.path, body)
		}
	}
}

func TestRoutesAreValid(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	for _, r := range f.svc.Routes() {
		key := r.Method + " " + r.Pattern
		if seen[key] {
			t.Errorf("route %s twice", key)
		}
		seen[key] = true
	}
	raw, _ := json.Marshal(seen)
	for _, want := range []string{"GET /v1/integrations", "POST /v1/integrations/{id}/enable", "POST /v1/integrations/{id}/disable",
		"POST /v1/integrations/{id}/test", "PATCH /v1/integrations/{id}/authorization", "PATCH /v1/integrations/{id}/settings"} {
		if !seen[want] {
			t.Errorf("missing route %s in %s", want, raw)
		}
	}
}
