package console

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

// deletions records the DELETE calls that reach the API.
type deletions struct {
	mu   sync.Mutex
	seen []string
}

func (d *deletions) Routes() []api.Route {
	del := func(c *api.Call) (any, error) {
		d.mu.Lock()
		d.seen = append(d.seen, c.Request.URL.Path)
		d.mu.Unlock()
		return nil, nil
	}
	return []api.Route{
		{Method: "DELETE", Pattern: "/v1/datasources/{id}", MinRole: api.RoleAdmin, Summary: "Delete a data source", Handler: del},
		{Method: "DELETE", Pattern: "/v1/integrations/{id}", MinRole: api.RoleAdmin, Summary: "Delete an integration", Handler: del},
	}
}

// TestDeleteFormsCallTheAPI checks that the delete forms reach the API's
// DELETE routes and redirect to the list, and that the API's role check
// applies to them.
func TestDeleteFormsCallTheAPI(t *testing.T) {
	d := &deletions{}
	f := newFixture(t, d)
	admin, csrf := f.signIn(t, api.RoleAdmin)
	for form, want := range map[string]string{"/sync/people/delete": "/v1/datasources/people", "/integrations/clockify/delete": "/v1/integrations/clockify"} {
		resp, _ := post(t, admin, f.srv.URL+form, url.Values{"csrf_token": {csrf}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/") {
			t.Errorf("%s answered %d to %q", form, resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := d.seen[len(d.seen)-1]; got != want {
			t.Errorf("%s called %s, want %s", form, got, want)
		}
	}
	operator, csrf := f.signIn(t, api.RoleOperator)
	before := len(d.seen)
	if resp, _ := post(t, operator, f.srv.URL+"/sync/people/delete", url.Values{"csrf_token": {csrf}}); resp.StatusCode != http.StatusForbidden || len(d.seen) != before {
		t.Errorf("an operator's delete: %d, %d calls reached the API", resp.StatusCode, len(d.seen)-before)
	}
}
