package console

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

// capture is a stand-in service that records the JSON bodies it gets.
type capture struct {
	mu     sync.Mutex
	bodies map[string]json.RawMessage
}

func (c *capture) Routes() []api.Route {
	rec := func(name string) api.Handler {
		return func(call *api.Call) (any, error) {
			b, _ := io.ReadAll(call.Request.Body)
			c.mu.Lock()
			c.bodies[name] = b
			c.mu.Unlock()
			return api.Created(map[string]string{"id": "x"}), nil
		}
	}
	return []api.Route{
		{Method: "GET", Pattern: "/v1/datasources", MinRole: api.RoleAuditor, Summary: "List data sources",
			Handler: func(*api.Call) (any, error) { return []any{}, nil }},
		{Method: "POST", Pattern: "/v1/datasources", MinRole: api.RoleAdmin, Summary: "Create a data source", Handler: rec("datasource")},
		{Method: "POST", Pattern: "/v1/extensions/archive", MinRole: api.RoleAdmin, Summary: "Install an upload", Handler: rec("archive")},
	}
}

func (c *capture) body(name string) json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bodies[name]
}

func TestDataSourceFormBuildsTheMapping(t *testing.T) {
	cp := &capture{bodies: map[string]json.RawMessage{}}
	f := newFixture(t, cp)
	b, csrf := f.signIn(t, api.RoleAdmin)
	form := url.Values{"csrf_token": {csrf}, "id": {"people"}, "name": {"People"}, "category": {"update users"},
		"endpoints[0].alias": {"users"}, "endpoints[0].endpoint": {"clockify/list-users"}, "endpoints[0].primaryKey": {"id"},
		"endpoints[1].alias": {""}, "endpoints[1].endpoint": {""}, "endpoints[1].primaryKey": {""}, // an empty row
		"endpoints[2].alias": {"extra"}, "endpoints[2].endpoint": {"clockify/custom:profiles"}, "endpoints[2].primaryKey": {"userId"},
		"mappings[0].field": {"users:name"}, "mappings[0].attribute": {"displayName"},
		"mappings[1].field": {""}, "mappings[1].format": {""}, "mappings[1].attribute": {""}, // an empty row
		"mappings[2].format": {"%upper(users.email)%"}, "mappings[2].attribute": {"description"}, "mappings[2].clearWhenMissing": {"on"},
		"mappings[3].field": {"users:title"}, // no attribute yet: sent, so the API says what is missing
		"match.field":       {"users:email"}, "match.attribute": {"mail"}, "match.caseInsensitive": {"on"},
		"options.active.field": {"users:memberships[].membershipStatus"}, "options.active.values": {"ACTIVE, PENDING"},
		"scope.filter": {"(department=Sales)"}, "options.changeLimit": {"25"}}
	resp, _ := post(t, b, f.srv.URL+"/sync/save", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save answered %d", resp.StatusCode)
	}
	var got map[string]any
	if err := json.Unmarshal(cp.body("datasource"), &got); err != nil {
		t.Fatalf("body %s: %v", cp.body("datasource"), err)
	}
	want := `{"category":"update users","endpoints":[{"alias":"users","endpointId":"list-users","integrationId":"clockify","primaryKey":"id"},{"alias":"extra","custom":true,"endpointId":"profiles","integrationId":"clockify","primaryKey":"userId"}],"id":"people","mappings":[{"attribute":"displayName","field":{"endpoint":"users","path":"name"}},{"attribute":"description","clearWhenMissing":true,"format":"%upper(users.email)%"},{"attribute":"","field":{"endpoint":"users","path":"title"}}],"match":{"attribute":"mail","caseInsensitive":true,"field":{"endpoint":"users","path":"email"}},"name":"People","options":{"active":{"field":{"endpoint":"users","path":"memberships[].membershipStatus"},"values":["ACTIVE","PENDING"]},"changeLimit":25},"scope":{"filter":"(department=Sales)"}}`
	if g, _ := json.Marshal(got); string(g) != want {
		t.Fatalf("posted\n%s\nwant\n%s", g, want)
	}
}

// multipartBody builds an upload form whose parts come in the given order.
func multipartBody(t *testing.T, parts [][2]string) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p[0] == "archive" {
			w, _ := mw.CreateFormFile("archive", "x.ext")
			_, _ = w.Write([]byte(p[1]))
			continue
		}
		_ = mw.WriteField(p[0], p[1])
	}
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestUploadChecksTheCSRFTokenBeforeTheArchive(t *testing.T) {
	cp := &capture{bodies: map[string]json.RawMessage{}}
	f := newFixture(t, cp)
	b, csrf := f.signIn(t, api.RoleAdmin)
	send := func(path string, parts [][2]string) int {
		body, ct := multipartBody(t, parts)
		resp, err := b.Post(f.srv.URL+path, ct, body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := send("/extensions/upload", [][2]string{{"archive", "PK-no-token"}}); st != http.StatusForbidden {
		t.Fatalf("upload without a token: %d", st)
	}
	if st := send("/extensions/upload", [][2]string{{"archive", "PK-late"}, {"csrf_token", csrf}}); st != http.StatusForbidden {
		t.Fatalf("upload with the token after the file: %d", st)
	}
	if st := send("/sync/save", [][2]string{{"csrf_token", csrf}, {"name", "x"}}); st != http.StatusForbidden {
		t.Fatalf("multipart to a page that takes no upload: %d", st)
	}
	if cp.body("archive") != nil || cp.body("datasource") != nil {
		t.Fatal("a refused upload reached the service")
	}
	if st := send("/extensions/upload", [][2]string{{"csrf_token", csrf}, {"archive", "PK-streamed"}}); st != http.StatusSeeOther {
		t.Fatalf("a proper upload: %d", st)
	}
	if got := string(cp.body("archive")); got != "PK-streamed" {
		t.Fatalf("the API got %q", got)
	}
}

func TestExchangeShowsRequestAndResponse(t *testing.T) {
	req := exchange(json.RawMessage(`{"method":"POST","url":"https://app/v1/users","headers":[{"name":"X-Api-Key","value":"****"}],"body":"{\"email\":\"a@b\"}"}`))
	if !strings.HasPrefix(req, "POST https://app/v1/users\nX-Api-Key: ****\n\n{\n  \"email\": \"a@b\"\n}") {
		t.Fatalf("request shown as %q", req)
	}
	resp := exchange(json.RawMessage(`{"status":404,"body":"not json"}`))
	if resp != "Not Found (404)\n\nnot json" {
		t.Fatalf("response shown as %q", resp)
	}
	if exchange(nil) != "" || exchange(json.RawMessage("null")) != "" {
		t.Fatal("an absent exchange is shown")
	}
}
