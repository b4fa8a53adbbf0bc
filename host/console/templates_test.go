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

// TestDataSourceRefusalPlacesEveryProblemOnItsRow: each problem is drawn
// beside its input, on the row it came from although an empty row before
// it was not sent, and every typed value is kept. See decision 0268.
func TestDataSourceRefusalPlacesEveryProblemOnItsRow(t *testing.T) {
	f := newFixture(t, refusingDataSources{})
	b, csrf := f.signIn(t, api.RoleAdmin)
	resp, _ := post(t, b, f.srv.URL+"/sync/save", url.Values{"csrf_token": {csrf}, "form": {"datasource"}, "id": {"x"}, "name": {""},
		"mappings[0].field": {""}, "mappings[0].attribute": {""},
		"mappings[1].field": {"users:title"}, "mappings[1].attribute": {"titel"}, "mappings[1].clearWhenMissing": {"on"},
		"options.changeLimit": {"12"}})
	_, page := get(t, b, f.srv.URL+resp.Header.Get("Location"))
	text := html.UnescapeString(page)
	for _, want := range []string{`<span class="field-error" id="error-map1-attribute">the directory has no attribute "titel"</span>`,
		`<span class="field-error" id="error-ds-name">a data source needs a name</span>`,
		`id="map1-attribute" aria-label="LDAP attribute of mapping 1" value="titel"`, `value="users:title"`, `id="change-limit" inputmode="numeric" value="12"`,
		`name="mappings[1].clearWhenMissing" aria-label="Clear the attribute of mapping 1 when the field is missing" checked`} {
		if !strings.Contains(text, want) {
			t.Fatalf("the refused form lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, `id="error-map0-attribute"`) {
		t.Fatal("the problem of the second row was drawn on the first, empty one")
	}
	// A change limit that is not a number is refused beside its input
	// before anything is sent.
	resp, _ = post(t, b, f.srv.URL+"/sync/save", url.Values{"csrf_token": {csrf}, "form": {"datasource"}, "id": {"x"}, "name": {"X"}, "options.changeLimit": {"many"}})
	_, page = get(t, b, f.srv.URL+resp.Header.Get("Location"))
	if !strings.Contains(page, `id="error-change-limit"`) || !strings.Contains(page, `value="many"`) {
		t.Fatalf("a change limit in words was not refused beside its input:\n%s", page)
	}
}

// choicesFake serves what the data source form offers as choices: one
// integration with one tested endpoint, and the directory's attributes.
type choicesFake struct{}

func (choicesFake) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Pattern: "/v1/datasources", MinRole: api.RoleAuditor, Summary: "List data sources",
			Handler: func(*api.Call) (any, error) { return []any{}, nil }},
		{Method: "POST", Pattern: "/v1/datasources", MinRole: api.RoleAdmin, Summary: "Create a data source",
			Handler: func(*api.Call) (any, error) {
				return nil, &api.Error{Status: http.StatusTeapot, Message: "not reached"}
			}},
		{Method: "GET", Pattern: "/v1/integrations", MinRole: api.RoleAuditor, Summary: "List integrations",
			Handler: func(*api.Call) (any, error) { return []map[string]any{{"id": "clockify", "name": "Clockify"}}, nil }},
		{Method: "GET", Pattern: "/v1/integrations/{id}/inbound", MinRole: api.RoleAuditor, Summary: "List endpoints",
			Handler: func(*api.Call) (any, error) {
				return []map[string]any{{"id": "list-users", "name": "List users",
					"fields": []map[string]string{{"path": "email", "sample": "ada@example.com"}, {"path": "status", "sample": "ACTIVE"}}}}, nil
			}},
		{Method: "GET", Pattern: "/v1/directory/attributes", MinRole: api.RoleOperator, Summary: "List attributes",
			Handler: func(*api.Call) (any, error) {
				return []map[string]any{{"name": "employeeID", "singleValued": true}, {"name": "otherMailbox"},
					{"name": "whenChanged", "singleValued": true, "readOnly": true}}, nil
			}},
	}
}

// TestDataSourceFormOffersSchemaAndTestedFieldsAndAddsRows: attributes
// come from the directory's schema (without those it maintains), fields
// from the endpoint's last test with their samples, "alias:path" once an
// alias is chosen; Add mapping draws one more row and keeps the rest.
func TestDataSourceFormOffersSchemaAndTestedFieldsAndAddsRows(t *testing.T) {
	f := newFixture(t, choicesFake{})
	b, csrf := f.signIn(t, api.RoleAdmin)
	_, page := get(t, b, f.srv.URL+"/sync")
	for _, want := range []string{`<option value="employeeID"></option>`, `<option value="otherMailbox">several values</option>`,
		`<option value="email">e.g. ada@example.com</option>`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the form does not offer %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, `value="whenChanged"`) {
		t.Fatal("the form offers an attribute the directory maintains")
	}
	form := url.Values{"csrf_token": {csrf}, "form": {"datasource"}, "editing": {"false"}, "id": {"people"}, "name": {"People"},
		"endpoints[0].alias": {"users"}, "endpoints[0].endpoint": {"clockify/list-users"}, "endpoints[0].primaryKey": {"email"},
		"mappings[0].field": {"users:status"}, "mappings[0].attribute": {"employeeID"}, "row": {"add:mappings[]"}}
	resp, _ := post(t, b, f.srv.URL+"/sync/save", form)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/sync#editor" {
		t.Fatalf("Add mapping answered %d to %s", resp.StatusCode, loc)
	}
	_, page = get(t, b, f.srv.URL+"/sync")
	text := html.UnescapeString(page)
	for _, want := range []string{`id="map1-field"`, `value="users:status"`, `value="People"`, `<option value="users:email">e.g. ada@example.com</option>`,
		`<option value="clockify/list-users" selected>`} {
		if !strings.Contains(text, want) {
			t.Fatalf("after Add mapping the form lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, `id="map2-field"`) || strings.Contains(text, `id="flash"`) {
		t.Fatal("Add mapping drew more than one new row, or a message")
	}
}
