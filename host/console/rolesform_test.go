package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

// TestDataSourceFormSendsTheRoleRule: the editor's role inputs become the
// data source's role rule, and a form without them sends none, so saving
// in the console neither drops nor invents one.
func TestDataSourceFormSendsTheRoleRule(t *testing.T) {
	cp := &capture{bodies: map[string]json.RawMessage{}}
	f := newFixture(t, cp)
	b, csrf := f.signIn(t, api.RoleAdmin)
	form := url.Values{"csrf_token": {csrf}, "id": {"roles"}, "name": {"Roles"}, "category": {"orphans report"},
		"endpoints[0].alias": {"workers"}, "endpoints[0].endpoint": {"clockify/list-workers"}, "endpoints[0].primaryKey": {"id"},
		"match.field": {"email"}, "match.attribute": {"mail"},
		"roles.field": {"roles[].role"}, "roles.tableSetting": {"roleTable"}, "roles.automation": {"clockify-roles"}}
	if resp, _ := post(t, b, f.srv.URL+"/sync/save", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save answered %d", resp.StatusCode)
	}
	var got struct {
		Roles json.RawMessage `json:"roles"`
	}
	if err := json.Unmarshal(cp.body("datasource"), &got); err != nil {
		t.Fatal(err)
	}
	if want := `{"field":{"path":"roles[].role"},"tableSetting":"roleTable","automation":"clockify-roles"}`; string(got.Roles) != want {
		t.Fatalf("roles sent %s, want %s", got.Roles, want)
	}
	for _, k := range []string{"roles.field", "roles.tableSetting", "roles.automation"} {
		form.Del(k)
	}
	form.Set("id", "plain")
	if resp, _ := post(t, b, f.srv.URL+"/sync/save", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save answered %d", resp.StatusCode)
	}
	got.Roles = nil
	if err := json.Unmarshal(cp.body("datasource"), &got); err != nil || got.Roles != nil {
		t.Fatalf("a form without roles sent %s (%v)", got.Roles, err)
	}
}
