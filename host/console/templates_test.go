package console

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

// noTemplates answers the template list the editor page reads, and
// refuses every save as the engine refuses a template with problems in
// several steps.
type noTemplates struct{}

func (noTemplates) Routes() []api.Route {
	return []api.Route{{Method: "GET", Pattern: "/v1/templates", MinRole: api.RoleAuditor, Summary: "List templates",
		Handler: func(*api.Call) (any, error) { return []any{}, nil }},
		{Method: "PUT", Pattern: "/v1/templates/{id}", MinRole: api.RoleAdmin, Summary: "Save a template",
			Handler: func(*api.Call) (any, error) {
				return nil, &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_template",
					Message: "template onboard is not valid: template id \"1x\" must start with a letter; Step 2 “Notify”, condition, line 1, column 1: ad.mial is not declared here",
					Fields:  []api.FieldError{{Field: "id", Message: "must start with a letter"}, {Field: "steps[1].condition", Message: "line 1, column 1: ad.mial is not declared here"}}}
			}}}
}

// TestTemplateRefusalShowsEveryStepInWords: the editor has no input per
// step field, so a refused template shows the API's message whole, each
// step named in words, never a list path. See decision 0229.
func TestTemplateRefusalShowsEveryStepInWords(t *testing.T) {
	f := newFixture(t, noTemplates{})
	b, csrf := f.signIn(t, api.RoleAdmin)
	resp, _ := post(t, b, f.srv.URL+"/templates/save", url.Values{"csrf_token": {csrf}, "id": {"onboard"}, "json": {`{"id":"onboard","steps":[]}`}})
	_, page := get(t, b, f.srv.URL+resp.Header.Get("Location"))
	text := html.UnescapeString(page)
	if !strings.Contains(text, "Step 2 “Notify”, condition, line 1, column 1: ad.mial is not declared here") || strings.Contains(text, "steps[1]") {
		t.Fatalf("page does not show the refusal in words:\n%s", text)
	}
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

// refusingDataSources refuses every data source as the sync service
// refuses one with a bad name and a bad mapping.
type refusingDataSources struct{}

func (refusingDataSources) Routes() []api.Route {
	empty := func(*api.Call) (any, error) { return []any{}, nil }
	return []api.Route{
		{Method: "GET", Pattern: "/v1/datasources", MinRole: api.RoleAuditor, Summary: "List data sources", Handler: empty},
		{Method: "GET", Pattern: "/v1/integrations", MinRole: api.RoleAuditor, Summary: "List integrations", Handler: empty},
		{Method: "POST", Pattern: "/v1/datasources", MinRole: api.RoleAdmin, Summary: "Create a data source",
			Handler: func(*api.Call) (any, error) {
				return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_datasource",
					Message: "data source \"x\" is not valid: Name: a data source needs a name; LDAP attribute of the mapping to 'titel': the directory has no attribute \"titel\"",
					Fields:  []api.FieldError{{Field: "name", Message: "a data source needs a name"}, {Field: "mappings[0].attribute", Message: "the directory has no attribute \"titel\""}}}
			}},
	}
}

// TestDataSourceRefusalShowsEveryMappingInWords: the data source form
// draws no problem beside its inputs, so a refusal shows the API's
// message whole, mappings named by their attribute. See decision 0229.
func TestDataSourceRefusalShowsEveryMappingInWords(t *testing.T) {
	f := newFixture(t, refusingDataSources{})
	b, csrf := f.signIn(t, api.RoleAdmin)
	resp, _ := post(t, b, f.srv.URL+"/sync/save", url.Values{"csrf_token": {csrf}, "id": {"x"}, "name": {""}, "map0.field": {"users:title"}, "map0.attribute": {"titel"}})
	_, page := get(t, b, f.srv.URL+resp.Header.Get("Location"))
	text := html.UnescapeString(page)
	if !strings.Contains(text, "LDAP attribute of the mapping to 'titel': the directory has no attribute \"titel\"") || strings.Contains(text, "mappings[0]") {
		t.Fatalf("page does not show the refusal in words:\n%s", text)
	}
}
