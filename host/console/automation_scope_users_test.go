package console

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

const adaGUID = "6f2c8e14-5b3a-4d7e-9a1b-0c2d3e4f5a6b"

// scopeUsersAPI is the automation API for scopes of named users: it
// refuses a user it does not know by the item's path, as the automation
// service does, and stores the users it knows as their ids and names.
type scopeUsersAPI struct {
	fakeAutomationAPI
	mu   sync.Mutex
	sent [][]map[string]any
}

func (f *scopeUsersAPI) Routes() []api.Route {
	routes := f.fakeAutomationAPI.Routes()
	stored := map[string]any{"id": "picked", "name": "Picked", "trigger": map[string]any{"type": "manual"},
		"scope": map[string]any{"users": []map[string]string{{"id": adaGUID, "name": "Ada Owner"}}}, "action": map[string]any{"template": "onboard"}}
	for i, r := range routes {
		switch r.Pattern {
		case "/v1/automations":
			if r.Method == "GET" {
				routes[i].Handler = func(*api.Call) (any, error) { return []any{stored}, nil }
				continue
			}
			routes[i].Handler = func(c *api.Call) (any, error) {
				var body struct {
					Scope struct {
						Users []map[string]any `json:"users"`
					} `json:"scope"`
				}
				raw, _ := io.ReadAll(c.Request.Body)
				_ = json.Unmarshal(raw, &body)
				f.mu.Lock()
				f.sent = append(f.sent, body.Scope.Users)
				f.mu.Unlock()
				for k, u := range body.Scope.Users {
					if u["id"] != "ada.owner" {
						msg := fmt.Sprintf("no user has the DN, logon name, mail or id %q; search for the person and pick them", u["id"])
						return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_automation", Message: "the automation is not valid: " + msg,
							Fields: []api.FieldError{{Field: fmt.Sprintf("scope.users[%d]", k), Message: msg}}}
					}
				}
				return api.Created(map[string]string{"id": "new"}), nil
			}
		case "/v1/automations/{id}":
			routes[i].Handler = func(*api.Call) (any, error) { return stored, nil }
		}
	}
	return routes
}

// TestAutomationScopeUsersRows: users are added and removed as rows,
// each with the directory picker; empty rows are not sent; a refused user
// is named by the row the admin typed it in, with everything typed kept;
// a stored scope shows its users by name.
func TestAutomationScopeUsersRows(t *testing.T) {
	fa := &scopeUsersAPI{}
	f := newBareFixture(t, fa)
	b, csrf := f.signIn(t, api.RoleAdmin)
	form := url.Values{"csrf_token": {csrf}, "form": {"automation"}, "editing": {"false"}, "name": {"VIPs"},
		"trigger.type": {"manual"}, "action": {"template:onboard"}, "scope.users[0].id": {"ada.owner"}, "row": {"add:scope.users[]"}}
	page := html.UnescapeString(afterPost(t, b, f.srv.URL, "/automations/save", form, "/automations#editor"))
	for _, want := range []string{`id="au-user-0" value="ada.owner"`, `id="au-user-1" value=""`, `data-picker-target="au-user-1"`,
		`value="remove:scope.users[]:1"`, `id="add-scope-user"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("after Add user the form lacks %s:\n%s", want, page)
		}
	}
	if len(fa.sent) != 0 {
		t.Fatal("Add user saved the automation")
	}

	form.Del("row")
	form.Set("scope.users[1].id", "")
	form.Set("scope.users[2].id", "nobody")
	page = html.UnescapeString(afterPost(t, b, f.srv.URL, "/automations/save", form, "/automations#editor"))
	if len(fa.sent) != 1 || len(fa.sent[0]) != 2 || fa.sent[0][0]["id"] != "ada.owner" || fa.sent[0][1]["id"] != "nobody" {
		t.Fatalf("users sent %v, want ada.owner and nobody without the empty row", fa.sent)
	}
	for _, want := range []string{`id="au-user-0" value="ada.owner"`, `id="au-user-2" value="nobody" aria-invalid="true"`,
		`<span class="field-error" id="error-au-user-2">Scope user 3: no user has the DN, logon name, mail or id "nobody"; search for the person and pick them</span>`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the refused form lacks %s:\n%s", want, page)
		}
	}

	form.Set("row", "remove:scope.users[]:1")
	page = html.UnescapeString(afterPost(t, b, f.srv.URL, "/automations/save", form, "/automations#editor"))
	if !strings.Contains(page, `id="au-user-1" value="nobody"`) || strings.Contains(page, `id="au-user-2"`) {
		t.Fatalf("Remove did not drop the empty row:\n%s", page)
	}

	_, page = get(t, b, f.srv.URL+"/automations?edit=picked")
	for _, want := range []string{`id="au-user-0" value="` + adaGUID + `"`, `<span class="small" data-scope-user-name>Ada Owner</span>`, "only Ada Owner"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the stored scope lacks %s:\n%s", want, page)
		}
	}
}
