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

	"github.com/idbridge/idbridge/host/api"
)

// stepTemplates stores one template and refuses a condition that reads
// ad.mial, as the engine does: under the step's path, counted among the
// steps sent.
type stepTemplates struct {
	mu     sync.Mutex
	puts   []map[string]any
	checks int
}

const storedOnboard = `{"id":"onboard","name":"Onboarding","steps":[
 {"id":"find","name":"Find the user","kind":"webhook","integration":"clockify","webhook":"find-user","inputs":{"email":"%ad.mail%"},"onFailure":"add"},
 {"id":"add","kind":"webhook","integration":"clockify","webhook":"add-user","inputs":{"email":"%ad.mail%"},"verify":{"webhook":"find-user","exists":"true"}}]}`

func (f *stepTemplates) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Pattern: "/v1/templates", MinRole: api.RoleAuditor, Summary: "List templates",
			Handler: func(*api.Call) (any, error) { return []any{}, nil }},
		{Method: "GET", Pattern: "/v1/templates/{id}", MinRole: api.RoleAuditor, Summary: "Show a template",
			Handler: func(*api.Call) (any, error) { return json.RawMessage(storedOnboard), nil }},
		{Method: "GET", Pattern: "/v1/integrations", MinRole: api.RoleAuditor, Summary: "List integrations",
			Handler: func(*api.Call) (any, error) { return []map[string]string{{"id": "clockify", "name": "Clockify"}}, nil }},
		{Method: "GET", Pattern: "/v1/integrations/{integration}/webhooks", MinRole: api.RoleAuditor, Summary: "List webhooks",
			Handler: func(*api.Call) (any, error) {
				return []map[string]string{{"id": "find-user", "name": "Find user by email"}, {"id": "add-user", "name": "Add user"}}, nil
			}},
		{Method: "POST", Pattern: "/v1/templates/{id}/check", MinRole: api.RoleAdmin, Summary: "Check a template",
			Handler: func(c *api.Call) (any, error) {
				f.mu.Lock()
				f.checks++
				f.mu.Unlock()
				return map[string]any{"template": c.PathValue("id"), "steps": 3}, nil
			}},
		{Method: "PUT", Pattern: "/v1/templates/{id}", MinRole: api.RoleAdmin, Summary: "Save a template",
			Handler: func(c *api.Call) (any, error) {
				raw, _ := io.ReadAll(c.Request.Body)
				var body map[string]any
				_ = json.Unmarshal(raw, &body)
				f.mu.Lock()
				f.puts = append(f.puts, body)
				f.mu.Unlock()
				for i, st := range body["steps"].([]any) {
					if cond, _ := st.(map[string]any)["condition"].(string); strings.Contains(cond, "mial") {
						return nil, &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_template", Message: "template onboard is not valid: Step 3, condition: ad.mial is not declared",
							Fields: []api.FieldError{{Field: "steps[" + string(rune('0'+i)) + "].condition", Message: "line 1, column 1: ad.mial is not declared here — did you mean ad.mail?"}}}
					}
				}
				return body, nil
			}},
	}
}

// TestStepEditor walks the step editor: a stored template drawn as steps
// with its webhooks and branches picked from lists; steps moved, added
// and removed without saving; a refused condition shown beside its step
// (counted in the form, though an empty step before it was not sent);
// and a save that sends each kind's own fields and keeps what the form
// does not draw.
func TestStepEditor(t *testing.T) {
	st := &stepTemplates{}
	f := newFixture(t, st)
	b, csrf := f.signIn(t, api.RoleAdmin)
	_, page := get(t, b, f.srv.URL+"/templates?id=onboard")
	page = html.UnescapeString(page)
	for _, want := range []string{`id="step0-id" value="find"`, `<option value="clockify/find-user" selected>Clockify: Find user by email</option>`,
		`<option value="add" selected>step 2: add</option>`, `id="steps[0].inputs-name-0" aria-label="Inputs of step 1, row 1: name" value="email"`,
		`name="steps[1].extra" value="{"verify":{"webhook":"find-user","exists":"true"}}"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the step editor lacks %s:\n%s", want, page)
		}
	}

	form := url.Values{"csrf_token": {csrf}, "form": {"template-steps"}, "existing": {"true"}, "id": {"onboard"}, "name": {"Onboarding"},
		"steps[0].id": {"find"}, "steps[0].kind": {"webhook"}, "steps[0].webhook": {"clockify/find-user"},
		"steps[0].inputs.name": {"email", ""}, "steps[0].inputs.value": {"%ad.mail%", ""}, "steps[0].onFailure": {"add"},
		"steps[0].condition": {"typed while the step was a condition"},
		"steps[1].id":        {""}, "steps[1].kind": {"webhook"}, "steps[1].inputs.name": {""}, "steps[1].inputs.value": {""},
		"steps[2].id": {"sales"}, "steps[2].kind": {"condition"}, "steps[2].condition": {`ad.mial == "x"`},
		"steps[3].id": {"add"}, "steps[3].kind": {"webhook"}, "steps[3].webhook": {"clockify/add-user"},
		"steps[3].inputs.name": {"email"}, "steps[3].inputs.value": {"%ad.mail%"}, "steps[3].extra": {`{"verify":{"webhook":"find-user","exists":"true"}}`}}
	redraw := func(op string) string {
		t.Helper()
		form.Set("row", op)
		defer form.Del("row")
		return html.UnescapeString(afterPost(t, b, f.srv.URL, "/templates/save", form, "/templates?id=onboard#steps-editor"))
	}
	page = redraw("up:steps[]:3")
	if i, j := strings.Index(page, `id="step2-id" value="add"`), strings.Index(page, `id="step3-id" value="sales"`); i < 0 || j < 0 {
		t.Fatalf("Move up did not swap the last two steps:\n%s", page)
	}
	page = redraw("add:steps[]")
	if !strings.Contains(page, `id="step4-id" value=""`) || strings.Contains(page, `id="flash"`) {
		t.Fatal("Add step did not draw one more empty step, or showed a message")
	}
	page = redraw("add:steps[0].inputs")
	if !strings.Contains(page, `id="steps[0].inputs-name-2"`) {
		t.Fatal("Add row did not add an input to the first step")
	}
	if len(st.puts) != 0 {
		t.Fatal("row buttons saved the template")
	}

	page = html.UnescapeString(afterPost(t, b, f.srv.URL, "/templates/save", form, "/templates?id=onboard#steps-editor"))
	if !strings.Contains(page, `<span class="field-error" id="error-step2-condition">line 1, column 1: ad.mial is not declared here — did you mean ad.mail?</span>`) ||
		!strings.Contains(page, `ad.mial == "x"</textarea>`) || !strings.Contains(page, `id="step3-id" value="add"`) {
		t.Fatalf("the refused condition is not beside its step, or the form lost what was typed:\n%s", page)
	}
	sent, _ := json.Marshal(st.puts[0]["steps"])
	want := `[{"id":"find","inputs":{"email":"%ad.mail%"},"integration":"clockify","kind":"webhook","onFailure":"add","webhook":"find-user"},` +
		`{"condition":"ad.mial == \"x\"","id":"sales","kind":"condition"},` +
		`{"id":"add","inputs":{"email":"%ad.mail%"},"integration":"clockify","kind":"webhook","verify":{"exists":"true","webhook":"find-user"},"webhook":"add-user"}]`
	if string(sent) != want {
		t.Fatalf("sent steps\n%s\nwant\n%s", sent, want)
	}

	form.Set("steps[2].condition", `ad.mail == "x"`)
	// Check without saving: every check runs, nothing is stored, and the
	// form stays as typed.
	form.Set("row", "check:template")
	page = html.UnescapeString(afterPost(t, b, f.srv.URL, "/templates/save", form, "/templates?id=onboard#steps-editor"))
	form.Del("row")
	if st.checks != 1 || len(st.puts) != 1 || !strings.Contains(page, "checks out") || !strings.Contains(page, `ad.mail == "x"</textarea>`) {
		t.Fatalf("Check without saving: %d checks, %d saves; the page:\n%s", st.checks, len(st.puts), page)
	}
	form.Set("steps[1].delay", "soon")
	form.Set("steps[1].kind", "delay")
	form.Set("steps[1].id", "pause")
	page = html.UnescapeString(afterPost(t, b, f.srv.URL, "/templates/save", form, "/templates?id=onboard#steps-editor"))
	if !strings.Contains(page, `id="error-step1-delay"`) || len(st.puts) != 1 {
		t.Fatalf("a wait that is not a duration was not refused beside it before saving:\n%s", page)
	}
	form.Set("steps[1].delay", "15m")
	afterPost(t, b, f.srv.URL, "/templates/save", form, "/templates?id=onboard#shown")
	if len(st.puts) != 2 || len(st.puts[1]["steps"].([]any)) != 4 {
		t.Fatalf("the corrected template was not saved with its four steps: %v", st.puts)
	}
}

// oneTemplate is a template API holding one stored template, as the
// engine answers it.
type oneTemplate struct{ stored string }

func (o oneTemplate) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Pattern: "/v1/templates", MinRole: api.RoleAuditor, Summary: "List templates",
			Handler: func(*api.Call) (any, error) { return []json.RawMessage{json.RawMessage(o.stored)}, nil }},
		{Method: "GET", Pattern: "/v1/templates/{id}", MinRole: api.RoleAuditor, Summary: "Show a template",
			Handler: func(*api.Call) (any, error) { return json.RawMessage(o.stored), nil }},
		{Method: "PUT", Pattern: "/v1/templates/{id}", MinRole: api.RoleAdmin, Summary: "Save a template",
			Handler: func(*api.Call) (any, error) { return json.RawMessage(o.stored), nil }},
	}
}

// TestStoredWaitReadsAsTheAPIWritesIt: a wait step, read into the API's
// own step type, is shown in the steps table and the step editor as the
// API writes it, and keeps what the form does not draw.
func TestStoredWaitReadsAsTheAPIWritesIt(t *testing.T) {
	f := newFixture(t, oneTemplate{`{"id":"later","name":"Later","steps":[{"id":"pause","kind":"delay","delay":"1h30m0s","verify":{"webhook":"find-user","exists":"true"}}]}`})
	b, _ := f.signIn(t, api.RoleAdmin)
	_, page := get(t, b, f.srv.URL+"/templates?id=later")
	page = html.UnescapeString(page)
	for _, want := range []string{"wait 1h30m0s", `id="step0-delay" value="1h30m0s"`,
		`name="steps[0].extra" value="{"verify":{"webhook":"find-user","exists":"true"}}"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the templates page lacks %s:\n%s", want, page)
		}
	}
}
