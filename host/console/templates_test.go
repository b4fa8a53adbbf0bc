package console

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

// noTemplates answers the template list the editor page reads.
type noTemplates struct{}

func (noTemplates) Routes() []api.Route {
	return []api.Route{{Method: "GET", Pattern: "/v1/templates", MinRole: api.RoleAuditor, Summary: "List templates",
		Handler: func(*api.Call) (any, error) { return []any{}, nil }}}
}

// TestTemplateJSONErrorHasLineAndColumn: a template typed as JSON with a
// mistake is refused with the line and column of the mistake, as the
// admin's editor counts them. See decision 0229.
func TestTemplateJSONErrorHasLineAndColumn(t *testing.T) {
	f := newFixture(t, noTemplates{})
	b, csrf := f.signIn(t, api.RoleAdmin)
	draft := "{\n  \"id\": \"onboard\",\n  \"steps\": [\n    {\"id\": \"a\",}\n  ]\n}"
	resp, _ := post(t, b, f.srv.URL+"/templates/save", url.Values{"csrf_token": {csrf}, "id": {"onboard"}, "json": {draft}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save answered %d, want a redirect", resp.StatusCode)
	}
	_, page := get(t, b, f.srv.URL+resp.Header.Get("Location"))
	if text := html.UnescapeString(page); !strings.Contains(text, "not valid JSON (invalid character '}' looking for beginning of object key string at line 4, column 16)") {
		t.Fatalf("page does not place the mistake by line and column:\n%s", text)
	}
}
