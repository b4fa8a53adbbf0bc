package console

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
)

// fakeAutomationAPI refuses automations as the automation service does
// (every problem under its path) unless they are named, and says when
// the one schedule it knows runs.
type fakeAutomationAPI struct {
	mu     sync.Mutex
	posted []map[string]any
}

func (f *fakeAutomationAPI) Routes() []api.Route {
	list := func(*api.Call) (any, error) { return []any{}, nil }
	return []api.Route{
		{Method: "GET", Pattern: "/v1/automations", MinRole: api.RoleAuditor, Summary: "List automations",
			Handler: func(*api.Call) (any, error) {
				return []map[string]any{{"id": "nightly", "name": "Nightly", "trigger": map[string]any{"type": "schedule", "schedule": "0 6 * * 1-5"},
					"scope": map[string]any{"ou": "OU=Staff,DC=example,DC=test"}, "action": map[string]any{"template": "onboard"}}}, nil
			}},
		{Method: "GET", Pattern: "/v1/automations/{id}", MinRole: api.RoleAuditor, Summary: "Show an automation",
			Handler: func(*api.Call) (any, error) {
				return map[string]any{"id": "nightly", "name": "Nightly", "trigger": map[string]any{"type": "schedule", "schedule": "0 6 * * 1-5"},
					"scope": map[string]any{"ou": "OU=Staff,DC=example,DC=test", "subtree": true}, "action": map[string]any{"template": "onboard"},
					"options": map[string]any{"deactivationLimit": 5}}, nil
			}},
		{Method: "GET", Pattern: "/v1/templates", MinRole: api.RoleAuditor, Summary: "List templates",
			Handler: func(*api.Call) (any, error) { return []map[string]string{{"id": "onboard", "name": "Onboarding"}}, nil }},
		{Method: "GET", Pattern: "/v1/datasources", MinRole: api.RoleAuditor, Summary: "List data sources", Handler: list},
		{Method: "POST", Pattern: "/v1/automations", MinRole: api.RoleAdmin, Summary: "Create an automation",
			Handler: func(c *api.Call) (any, error) {
				var body map[string]any
				raw, _ := io.ReadAll(c.Request.Body)
				_ = json.Unmarshal(raw, &body)
				f.mu.Lock()
				f.posted = append(f.posted, body)
				f.mu.Unlock()
				if body["name"] == "" {
					return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_automation", Message: "the automation is not valid: Name: give the automation a name; Schedule: the hour field \"25\" is not valid; Template: no template",
						Fields: []api.FieldError{{Field: "name", Message: "give the automation a name"}, {Field: "trigger.schedule", Message: "the hour field \"25\" is not valid: use 0-23"},
							{Field: "action.template", Message: "no orchestration template has this id"}}}
				}
				return api.Created(map[string]string{"id": "new"}), nil
			}},
		{Method: "GET", Pattern: "/v1/schedules/next", MinRole: api.RoleAuditor, Summary: "Next runs of a schedule",
			Handler: func(c *api.Call) (any, error) {
				if c.Query("schedule") != "0 6 * * 1-5" {
					return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_schedule", Message: "Schedule: the hour field is not valid",
						Fields: []api.FieldError{{Field: "schedule", Message: "the hour field \"25\" is not valid: use 0-23"}}}
				}
				return map[string]any{"timeZone": "UTC", "next": []time.Time{time.Date(2030, 1, 7, 6, 0, 0, 0, time.UTC)}}, nil
			}},
	}
}

func (f *fakeAutomationAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posted)
}

// TestAutomationFormPlacesProblemsAndKeepsTheTrigger: a refused save
// draws each problem beside its input in words (the schedule, the template
// choice) with every value kept; Check schedule says when a schedule runs
// without saving; the list shows when each scheduled automation runs next.
func TestAutomationFormPlacesProblemsAndKeepsTheTrigger(t *testing.T) {
	fa := &fakeAutomationAPI{}
	f := newBareFixture(t, fa)
	b, csrf := f.signIn(t, api.RoleAdmin)
	form := url.Values{"csrf_token": {csrf}, "form": {"automation"}, "editing": {"false"}, "name": {""},
		"trigger.type": {"schedule"}, "trigger.schedule": {"0 25 * * *"}, "trigger.events": {"user.created"},
		"scope.ou": {"OU=Staff,DC=example,DC=test"}, "scope.subtree": {"on"}, "action": {"template:onboard"}, "options.deactivationLimit": {"7"}}
	page := html.UnescapeString(afterPost(t, b, f.srv.URL, "/automations/save", form, "/automations#editor"))
	for _, want := range []string{`<span class="field-error" id="error-au-name">Name: give the automation a name</span>`,
		`<span class="field-error" id="error-au-schedule">Schedule: the hour field "25" is not valid: use 0-23</span>`,
		`<span class="field-error" id="error-au-action">What runs: no orchestration template has this id</span>`,
		`value="0 25 * * *"`, `value="OU=Staff,DC=example,DC=test"`, `<option value="schedule" selected>`, `id="au-subtree" checked`,
		`<option value="template:onboard" selected>`, `id="au-limit" inputmode="numeric" value="7"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the refused form lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "trigger.schedule:") {
		t.Fatal("the refusal shows a field path instead of words")
	}
	if fa.count() != 1 || fa.posted[0]["trigger"].(map[string]any)["events"] != nil {
		t.Fatalf("a schedule trigger was sent with events: %v", fa.posted)
	}

	// Check schedule: the next runs of what was typed, nothing saved.
	form.Set("trigger.schedule", "0 6 * * 1-5")
	form.Set("row", "check:schedule")
	page = afterPost(t, b, f.srv.URL, "/automations/save", form, "/automations#editor")
	if !strings.Contains(page, `id="au-next-runs"`) || !strings.Contains(page, "Mon 7 Jan 2030, 06:00 UTC") || strings.Contains(page, `id="flash"`) {
		t.Fatalf("Check schedule does not show the next runs:\n%s", page)
	}
	if fa.count() != 1 {
		t.Fatal("Check schedule saved the automation")
	}
	// The list shows the next run of a scheduled automation.
	if !strings.Contains(page, "next: Mon 7 Jan 2030, 06:00 UTC") {
		t.Fatal("the list does not show when the scheduled automation runs next")
	}

	// An event trigger sends its events and no schedule.
	form.Del("row")
	form.Set("name", "Joiners")
	form.Set("trigger.type", "event")
	form["trigger.events"] = []string{"user.created", "scope.entered"}
	afterPost(t, b, f.srv.URL, "/automations/save", form, "/automations#automations")
	tr := fa.posted[1]["trigger"].(map[string]any)
	if ev, _ := json.Marshal(tr); string(ev) != `{"events":["user.created","scope.entered"],"type":"event"}` {
		t.Fatalf("an event trigger was sent as %s", ev)
	}

	// Edit opens the stored automation in the form.
	_, page = get(t, b, f.srv.URL+"/automations?edit=nightly")
	for _, want := range []string{`value="Nightly"`, `value="0 6 * * 1-5"`, `id="au-limit" inputmode="numeric" value="5"`, `name="editing" value="true"`, "Mon 7 Jan 2030"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the edit form lacks %s", want)
		}
	}
}
