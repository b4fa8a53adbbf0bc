package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

type settingsBody struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Settings    struct {
		RateLimit int `json:"rateLimit"`
	} `json:"settings"`
	Steps []struct {
		ID string `json:"id"`
	} `json:"steps,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	Body   string            `json:"body,omitempty"`
}

// TestDecodeRefusesBadInputNamingTheField sends each kind of bad body to a
// route and checks the 400 names the field as the API documents it (the
// JSON path), never a Go type, and that nothing was stored.
func TestDecodeRefusesBadInputNamingTheField(t *testing.T) {
	tokens := api.NewTokens(store.NewMemoryDocs())
	secret, _, err := tokens.Create(context.Background(), "admin", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens})
	saved := 0
	if err := srv.Register(api.Route{Method: "PUT", Pattern: "/v1/things/{id}", MinRole: api.RoleAdmin, Summary: "Save a thing",
		Request: settingsBody{}, Response: settingsBody{}, Handler: func(c *api.Call) (any, error) {
			var b settingsBody
			if err := c.Decode(&b); err != nil {
				return nil, err
			}
			saved++
			return b, nil
		}}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	put := func(path, body string) (int, map[string]any) {
		req, _ := http.NewRequest("PUT", ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	long := strings.Repeat("n", api.MaxNameLen+1)
	for _, c := range []struct {
		name, path, body, field string
	}{
		{"wrong type deep", "/v1/things/a", `{"name":"x","settings":{"rateLimit":"fast"}}`, "settings.rateLimit"},
		{"unknown field", "/v1/things/a", `{"name":"x","colour":"red"}`, "colour"},
		{"name too long", "/v1/things/a", `{"name":"` + long + `"}`, "name"},
		{"NUL in a name", "/v1/things/a", `{"name":"ada\u0000grace"}`, "name"},
		{"LF in a name", "/v1/things/a", `{"name":"ada\nINFO forged log line"}`, "name"},
		{"CR in a nested id", "/v1/things/a", `{"name":"x","steps":[{"id":"ok"},{"id":"a\rb"}]}`, "steps[1].id"},
		{"NUL in free text", "/v1/things/a", `{"name":"x","body":"a\u0000b"}`, "body"},
		{"description too long", "/v1/things/a", `{"name":"x","description":"` + strings.Repeat("d", api.MaxTextBytes+1) + `"}`, "description"},
		{"control character in a map key", "/v1/things/a", `{"name":"x","labels":{"a\tb":"c"}}`, "labels.a\tb"},
		{"body id differs from the path", "/v1/things/a", `{"id":"b","name":"x"}`, "id"},
		{"invalid UTF-8", "/v1/things/a", "{\"name\":\"caf\xe9\"}", "UTF-8"},
		{"NUL in the path", "/v1/things/a%00b", `{"name":"x"}`, "path id"},
		{"newline in the path", "/v1/things/a%0Ab", `{"name":"x"}`, "path id"},
	} {
		st, out := put(c.path, c.body)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if st != http.StatusBadRequest || e["code"] != "invalid_request" || !strings.Contains(msg, c.field) {
			t.Errorf("%s: %d %v; want 400 invalid_request naming %q", c.name, st, out, c.field)
		}
		if strings.Contains(msg, "Go struct") || strings.Contains(msg, "settingsBody") {
			t.Errorf("%s: the message names Go types: %q", c.name, msg)
		}
	}
	if saved != 0 {
		t.Fatalf("%d refused bodies reached the handler", saved)
	}
	// What the rules allow: line breaks in free text, the path's own id,
	// a name of exactly the limit, non-ASCII text.
	ok := `{"id":"a","name":"` + strings.Repeat("é", api.MaxNameLen) + `","description":"line one\nline two","body":"{\n  \"x\": 1\n}"}`
	if st, out := put("/v1/things/a", ok); st != http.StatusOK {
		t.Fatalf("a good body: %d %v", st, out)
	}
}
