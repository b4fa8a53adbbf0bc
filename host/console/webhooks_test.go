package console

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

// fakeWebhooks stores custom webhooks as JSON objects and refuses a
// webhook without a name or url the way the outbound service does: every
// problem with its field.
type fakeWebhooks struct {
	mu    sync.Mutex
	saved map[string]map[string]any
	puts  int
}

func (f *fakeWebhooks) Routes() []api.Route {
	base := "/v1/integrations/{integration}/webhooks"
	one := func(c *api.Call) (map[string]any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		w, ok := f.saved[c.PathValue("id")]
		if !ok {
			return nil, &api.Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such webhook"}
		}
		return w, nil
	}
	return []api.Route{
		{Method: "GET", Pattern: "/v1/integrations/{integration}", MinRole: api.RoleAuditor, Summary: "Show an integration",
			Handler: func(c *api.Call) (any, error) {
				return map[string]any{"id": c.PathValue("integration"), "name": "Clockify"}, nil
			}},
		{Method: "GET", Pattern: base, MinRole: api.RoleAuditor, Summary: "List webhooks",
			Handler: func(*api.Call) (any, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				out := []map[string]any{}
				for _, w := range f.saved {
					out = append(out, w)
				}
				return out, nil
			}},
		{Method: "GET", Pattern: base + "/{id}", MinRole: api.RoleAuditor, Summary: "Show a webhook",
			Handler: func(c *api.Call) (any, error) { return one(c) }},
		{Method: "PUT", Pattern: base + "/{id}", MinRole: api.RoleAdmin, Summary: "Save a webhook",
			Handler: func(c *api.Call) (any, error) {
				var w map[string]any
				b, _ := io.ReadAll(c.Request.Body)
				if err := json.Unmarshal(b, &w); err != nil {
					return nil, err
				}
				var fields []api.FieldError
				for _, k := range []string{"name", "url"} {
					if w[k] == "" {
						fields = append(fields, api.FieldError{Field: k, Message: "required"})
					}
				}
				hs, _ := w["headers"].([]any)
				for i, h := range hs {
					if h.(map[string]any)["name"] == "" {
						fields = append(fields, api.FieldError{Field: fmt.Sprintf("headers[%d].name", i), Message: "a header needs a name"})
					}
					if h.(map[string]any)["value"] == "%bad%" {
						fields = append(fields, api.FieldError{Field: fmt.Sprintf("headers[%d].value", i), Message: "line 1, column 1: unknown macro %bad%"})
					}
				}
				if len(fields) > 0 {
					return nil, &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_webhook", Message: "not valid", Fields: fields}
				}
				w["id"] = c.PathValue("id")
				f.mu.Lock()
				defer f.mu.Unlock()
				f.saved[c.PathValue("id")] = w
				f.puts++
				return w, nil
			}},
		{Method: "POST", Pattern: base + "/test", MinRole: api.RoleAdmin, Summary: "Test a webhook",
			Handler: func(*api.Call) (any, error) { return nil, nil }},
		{Method: "DELETE", Pattern: base + "/{id}", MinRole: api.RoleAdmin, Summary: "Delete a webhook",
			Handler: func(c *api.Call) (any, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				delete(f.saved, c.PathValue("id"))
				return nil, nil
			}},
	}
}

// afterPost posts form and opens the page it redirects to, which must
// begin with want.
func afterPost(t *testing.T, b *http.Client, base, path string, form url.Values, want string) string {
	t.Helper()
	resp, _ := post(t, b, base+path, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s answered %d, want a redirect", path, resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, want) {
		t.Fatalf("POST %s redirected to %s, want %s", path, loc, want)
	}
	_, page := get(t, b, base+resp.Header.Get("Location"))
	return page
}

func TestWebhookEditorKeepsWhatWasTypedAndPlacesEveryProblem(t *testing.T) {
	wh := &fakeWebhooks{saved: map[string]map[string]any{}}
	f := newFixture(t, wh)
	b, csrf := f.signIn(t, api.RoleAdmin)
	form := url.Values{"csrf_token": {csrf}, "editing": {""}, "id": {"add-note"}, "name": {""}, "method": {"PATCH"},
		"url": {""}, "messageType": {"json"}, "body": {`{"note":"%ad.mail%"}`},
		"headers.name": {"", "", "X-Trace", "X-Bad"}, "headers.value": {"orphan", "", "%ad.objectGUID%", "%bad%"},
		"query.name": {"dry"}, "query.value": {"true"}}
	page := afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks", form, "/integrations/clockify/outbound#editor")
	for _, want := range []string{`id="error-field-name"`, `id="error-field-url"`,
		`value="add-note"`, `value="X-Trace"`, `value="%ad.objectGUID%"`, `value="orphan"`, `value="dry"`,
		`{&#34;note&#34;:&#34;%ad.mail%&#34;}`, `<option selected>PATCH</option>`,
		// Every problem in the form's words, beside its field: a row's
		// by the row the admin typed it in (the empty second row is not
		// sent, so the API's headers[2] is the form's fourth row). See
		// decision 0271.
		`<span class="field-error" id="error-field-url">URL: required</span>`,
		`<span class="field-error" id="error-field-name">Name: required</span>`,
		`<span class="field-error" id="error-headers-0">Header 1 name: a header needs a name</span>`,
		`<span class="field-error" id="error-headers-3">Header 4 value, line 1, column 1: unknown macro %bad%</span>`,
		`id="headers-value-3" aria-label="Headers, row 4: value" class="format" value="%bad%" aria-invalid="true" aria-describedby="error-headers-3"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("after a refused save the editor lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "headers[") || strings.Contains(page, "error-headers-2") {
		t.Fatalf("the editor shows a machine path or misplaces a row's problem:\n%s", page)
	}
	if wh.puts != 0 {
		t.Fatal("a refused webhook was stored")
	}

	form.Set("name", "Add a note")
	form.Set("url", "/v1/notes")
	form["headers.name"] = []string{"X-Trace", ""}
	form["headers.value"] = []string{"%ad.objectGUID%", ""}
	afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks", form, "/integrations/clockify/outbound?webhook=add-note")
	got := wh.saved["add-note"]
	if got == nil || got["method"] != "PATCH" || got["url"] != "/v1/notes" {
		t.Fatalf("saved %v", got)
	}
	if hs, _ := json.Marshal(got["headers"]); string(hs) != `[{"name":"X-Trace","value":"%ad.objectGUID%"}]` {
		t.Fatalf("saved headers %s (empty rows must be dropped)", hs)
	}

	// A new webhook may not take an existing id.
	page = afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks", form, "/integrations/clockify/outbound#editor")
	if !strings.Contains(page, `id="error-field-id"`) || wh.puts != 1 {
		t.Fatalf("a second webhook with the same id was not refused (%d saves)", wh.puts)
	}

	// Editing keeps what the form does not show.
	wh.saved["add-note"]["outputs"] = []any{map[string]any{"name": "noteId", "path": "id"}}
	_, page = get(t, b, f.srv.URL+"/integrations/clockify/outbound?edit=add-note")
	if !strings.Contains(page, `value="Add a note"`) || !strings.Contains(page, `name="editing" value="add-note"`) || !strings.Contains(page, `value="X-Trace"`) {
		t.Fatalf("the edit form is not filled from the webhook:\n%s", page)
	}
	edit := url.Values{"csrf_token": {csrf}, "editing": {"add-note"}, "name": {"Add a note v2"}, "method": {"POST"},
		"url": {"/v1/notes"}, "messageType": {"json"}, "body": {"{}"}}
	edit.Set("url", "")
	page = afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks", edit, "/integrations/clockify/outbound?edit=add-note#editor")
	if !strings.Contains(page, `value="Add a note v2"`) || !strings.Contains(page, `id="error-field-url"`) {
		t.Fatalf("a refused edit does not come back to the edit form with what was typed:\n%s", page)
	}
	edit.Set("url", "/v1/notes")
	afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks", edit, "/integrations/clockify/outbound?webhook=add-note")
	if got := wh.saved["add-note"]; got["name"] != "Add a note v2" || got["outputs"] == nil {
		t.Fatalf("edited webhook %v: the name must change and the outputs stay", got)
	}

	afterPost(t, b, f.srv.URL, "/integrations/clockify/outbound/webhooks/add-note/delete", url.Values{"csrf_token": {csrf}}, "/integrations/clockify/outbound#webhooks")
	if _, ok := wh.saved["add-note"]; ok {
		t.Fatal("delete did not remove the webhook")
	}
}
