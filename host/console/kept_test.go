package console

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
)

// refusingForms refuses every automation and apply-now the way the real
// services do: every problem with its field path, the
// message in words.
type refusingForms struct{}

func (refusingForms) Routes() []api.Route {
	list := func(*api.Call) (any, error) { return []any{}, nil }
	return []api.Route{
		{Method: "GET", Pattern: "/v1/automations", MinRole: api.RoleAuditor, Summary: "List automations",
			Handler: func(*api.Call) (any, error) {
				return []map[string]any{{"id": "onboard", "name": "Onboarding", "enabled": true, "trigger": map[string]any{"type": "manual"}}}, nil
			}},
		{Method: "GET", Pattern: "/v1/templates", MinRole: api.RoleAuditor, Summary: "List templates",
			Handler: func(*api.Call) (any, error) { return []map[string]string{{"id": "onboard", "name": "Onboarding"}}, nil }},
		{Method: "GET", Pattern: "/v1/datasources", MinRole: api.RoleAuditor, Summary: "List data sources", Handler: list},
		{Method: "POST", Pattern: "/v1/automations", MinRole: api.RoleAdmin, Summary: "Create an automation",
			Handler: func(*api.Call) (any, error) {
				return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_automation",
					Message: "the automation is not valid: Schedule: the schedule is not a cron expression; Scope: the scope is empty",
					Fields: []api.FieldError{
						{Field: "trigger.schedule", Message: "the schedule is not a cron expression: use five fields"},
						{Field: "scope", Message: "the scope is empty: set an OU, a group or an LDAP filter"},
						{Field: "action.template", Message: "no orchestration template has this id"},
					}}
			}},
		{Method: "POST", Pattern: "/v1/automations/{id}/apply-now", MinRole: api.RoleOperator, Summary: "Apply an automation now",
			Handler: func(*api.Call) (any, error) {
				return nil, &api.Error{Status: http.StatusNotFound, Code: "directory_object_not_found",
					Message: `user "nobody.here": no user has that logon name, mail or id; search for the person and pick them`}
			}},
	}
}

// TestRefusedAutomationKeepsWhatWasTypedInTheFormsWords checks a refused
// automation: the form comes back as typed, each problem beside its
// input in the form's words, and none that the form has no input for
// shown with its API path. See decisions 0222 and 0271.
func TestRefusedAutomationKeepsWhatWasTypedInTheFormsWords(t *testing.T) {
	f := newBareFixture(t, refusingForms{})
	b, csrf := f.signIn(t, api.RoleAdmin)
	form := url.Values{"csrf_token": {csrf}, "form": {"automation"}, "editing": {"false"}, "name": {"Nightly onboarding"},
		"trigger.type": {"schedule"}, "trigger.schedule": {"every morning"}, "scope.filter": {"(department=Sales)"},
		"action": {"template:onboard"}, "options.deactivationLimit": {"7"}}
	page := html.UnescapeString(afterPost(t, b, f.srv.URL, "/automations/save", form, "/automations#editor"))
	for _, want := range []string{`value="Nightly onboarding"`, `value="every morning"`, `value="(department=Sales)"`, `value="7"`,
		`<option value="schedule" selected>`,
		`<span class="field-error" id="error-au-schedule">Schedule: the schedule is not a cron expression: use five fields</span>`,
		`<span class="field-error" id="error-au-action">What runs: no orchestration template has this id</span>`,
		`id="au-schedule" value="every morning" aria-describedby="au-schedule-help error-au-schedule" aria-invalid="true"`,
		"Scope: the scope is empty: set an OU, a group or an LDAP filter."} {
		if !strings.Contains(page, want) {
			t.Fatalf("after a refused automation the page lacks %s:\n%s", want, page)
		}
	}
	for _, path := range []string{"trigger.schedule:", "scope:", "action.template"} {
		if strings.Contains(page, path) {
			t.Fatalf("the page shows the API path %s:\n%s", path, page)
		}
	}
	// Drawn once: the page after shows the stored state again.
	if _, page := get(t, b, f.srv.URL+"/automations"); strings.Contains(page, "every morning") {
		t.Fatal("the refused form is drawn again on the next visit")
	}
}

func TestRefusedApplyNowKeepsTheUsersTyped(t *testing.T) {
	f := newBareFixture(t, refusingForms{})
	b, csrf := f.signIn(t, api.RoleOperator)
	form := url.Values{"csrf_token": {csrf}, "apply": {"onboard"}, "users": {"nobody.here\nada.owner"}}
	page := afterPost(t, b, f.srv.URL, "/automations/onboard/apply", form, "/automations")
	for _, want := range []string{`<details class="apply" open>`, ">nobody.here\nada.owner</textarea>", "search for the person and pick them"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Fatalf("after a refused apply-now the page lacks %q:\n%s", want, page)
		}
	}
}

func TestRefusalListsUnplacedProblemsInWords(t *testing.T) {
	r := httptestRequest(t, "POST /integrations", url.Values{"name": {"Clockify"}})
	f := refusal(r, answer{Status: http.StatusBadRequest, Code: "invalid_settings",
		Err:    "invalid settings: extension_id: name the installed extension this integration uses",
		Fields: []api.FieldError{{Field: "extension_id", Message: "name the installed extension this integration uses"}}})
	if want := "Not saved: Extension ID: name the installed extension this integration uses."; f.Message != want {
		t.Fatalf("message %q, want %q", f.Message, want)
	}
}

// httptestRequest is a posted form as the console's mux hands it to a
// handler: parsed, with the route pattern it matched.
func httptestRequest(t *testing.T, pattern string, form url.Values) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Pattern = pattern
	return r
}

func TestRefusalDropsLDAPResultCodes(t *testing.T) {
	r := httptestRequest(t, "POST /sync/{id}/plan", url.Values{})
	f := refusal(r, answer{Status: http.StatusNotFound, Code: "directory_object_not_found",
		Err: `directory: search OU=Gone,DC=example,DC=test: entry not found: LDAP Result Code 32 "No Such Object": no such entry (fix: check the DN and that its parent OU exists)`})
	if want := "directory: search OU=Gone,DC=example,DC=test: entry not found: no such entry (fix: check the DN and that its parent OU exists)"; f.Message != want {
		t.Fatalf("message %q, want %q", f.Message, want)
	}
}
