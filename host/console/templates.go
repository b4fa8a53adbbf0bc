package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/orchestration"
)

// templatesData is the templates page: the list, one template's steps and
// the editor.
type templatesData struct {
	Templates []orchestration.Template
	Err       string
	// Shown is the template opened, with its JSON for the editor.
	Shown   *orchestration.Template
	JSON    string
	NewID   string
	CanEdit bool
	// Macros and Functions feed the chooser beside the editor.
	Macros    []macro.MacroInfo
	Functions []macro.FuncInfo
	// Form is the step editor's content, from the template shown or as
	// typed; Webhooks, StepKinds and ADActions its choices. JSONOpen
	// opens the JSON editor, after its own refusal.
	Form      templateForm
	Webhooks  []webhookChoice
	StepKinds []struct{ Kind, Words string }
	ADActions []struct{ Action, Words string }
	JSONOpen  bool
}

// templateJSONForm is the name the JSON editor's kept form carries.
const templateJSONForm = "template-json"

// exampleTemplate starts a new template: one webhook step, to be edited.
const exampleTemplate = `{
  "name": "",
  "description": "",
  "steps": [
    {"id": "add", "name": "Add the user", "kind": "webhook",
     "integration": "", "webhook": "", "inputs": {"email": "%ad.mail%"}}
  ]
}`

func (c *Console) templatesPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetTemplates) {
		http.Redirect(w, r, "/s/templates", http.StatusSeeOther)
		return
	}
	d := templatesData{CanEdit: rt.allows(s.principal.Role, apiclient.RoutePutTemplatesID), StepKinds: stepKinds, ADActions: adActions}
	cl := c.client(r, s)
	if list, a := typed(cl.GetTemplates(r.Context())); a.ok() {
		d.Templates = list
	} else {
		d.Err = a.Err
	}
	d.Form = templateForm{Steps: []stepRow{{Kind: "webhook", Inputs: []kv{{}}}}}
	if id := r.FormValue("id"); id != "" {
		t, a := typed(cl.GetTemplatesID(r.Context(), id))
		if !a.ok() {
			c.refuse(w, r, s, a.Status, a.Err)
			return
		}
		d.Shown = &t
		var buf bytes.Buffer
		if json.Indent(&buf, a.Body, "", "  ") == nil {
			d.JSON = buf.String()
		}
		d.Form = templateFormOf(t)
	} else {
		d.JSON = exampleTemplate
	}
	if d.CanEdit {
		// What was typed into either editor comes back into it. See
		// decisions 0222 and 0268.
		f := c.sessions.peekFlash(s)
		if kept := keptOf(f, stepsForm); kept != nil {
			d.Form = templateFormFrom(kept)
		}
		if kept := keptOf(f, templateJSONForm); kept != nil {
			d.JSON, d.JSONOpen = kept.Get("json"), true
			if d.Shown == nil {
				d.Form.ID = kept.Get("id")
			}
		}
		// Both pickers start from the integrations: fetch them once.
		ins, _ := cl.GetIntegrations(r.Context())
		d.Macros = c.templateMacros(r, s, d.Shown, ins)
		_, d.Functions = chooser()
		d.Webhooks = c.webhookChoices(r, s, ins)
	}
	c.render(w, http.StatusOK, "templates", c.newPage(s, "templates", "Orchestration templates", d))
}

// templateMacros is the chooser of the integration the template calls, as
// the outbound service lists it (the first of ins when no step names one),
// plus the outputs of the template's steps.
func (c *Console) templateMacros(r *http.Request, s *session, t *orchestration.Template, ins []integrations.View) []macro.MacroInfo {
	integ := ""
	if t != nil {
		for _, st := range t.Steps {
			if st.Integration != "" {
				integ = st.Integration
				break
			}
		}
	}
	if integ == "" && len(ins) > 0 {
		integ = ins[0].ID
	}
	var out []macro.MacroInfo
	if integ != "" && c.routeTable().has(apiclient.RouteGetIntegrationsIntegrationMacros) {
		out, _ = c.client(r, s).GetIntegrationsIntegrationMacros(r.Context(), integ)
	}
	if len(out) == 0 {
		out, _ = chooser()
	}
	if t != nil {
		for _, st := range t.Steps {
			if st.Kind == "webhook" {
				out = append(out, macro.MacroInfo{Macro: "%steps." + st.ID + ".<output>%", Namespace: "steps", Name: st.ID,
					Description: "an output of step " + st.ID})
			}
		}
	}
	return out
}

// saveTemplate saves a template from the step editor or from the JSON
// editor; the engine checks steps, branches, loops, macros and
// conditions, and a refusal brings back what was typed.
func (c *Console) saveTemplate(w http.ResponseWriter, r *http.Request, s *session) {
	_ = r.ParseForm()
	if r.PostFormValue("form") == stepsForm {
		c.saveTemplateSteps(w, r, s)
		return
	}
	id := strings.TrimSpace(r.PostFormValue("id"))
	body := r.PostFormValue("json")
	back := "/templates#editor"
	if r.PostFormValue("existing") == "true" {
		back = "/templates?id=" + url.QueryEscape(id) + "#editor"
	}
	if id == "" {
		c.done(w, r, s, answer{Status: http.StatusBadRequest, Code: "invalid_template", Err: "Give the template an id (lower-case letters, digits and dashes)."}, "", back)
		return
	}
	var parsed any
	if err := json.Unmarshal([]byte(body), &parsed); err != nil {
		// Where the mistake is, as the editor counts lines. See decision 0229.
		c.done(w, r, s, answer{Status: http.StatusBadRequest, Code: "invalid_json",
			Err: "The template is not valid JSON (" + api.DescribeJSONError(err, []byte(body)) + "); nothing was saved."}, "", back)
		return
	}
	// The draft is sent as typed, so the API places a mistake by the
	// editor's lines.
	_, a := typed(c.client(r, s).PutTemplatesID(r.Context(), id, orchestration.Template{}, apiclient.Body(strings.NewReader(body), "application/json")))
	if a.ok() {
		a.Body = nil
		back = "/templates?id=" + url.QueryEscape(id) + "#shown"
	}
	// The JSON editor has no input per step field: the message, which
	// names each step in words, is shown whole. See decisions 0229 and
	// 0280.
	a.Fields = nil
	c.done(w, r, s, a, "Saved template "+id+"; it was checked against the integrations and the directory.", back)
}

// saveTemplateSteps saves the step editor's template; row buttons (add,
// remove, move a step or an input) redraw it without saving, and each
// problem is drawn beside its step's input.
func (c *Console) saveTemplateSteps(w http.ResponseWriter, r *http.Request, s *session) {
	id := strings.TrimSpace(r.PostFormValue("id"))
	back := "/templates#steps-editor"
	if r.PostFormValue("existing") == "true" {
		back = "/templates?id=" + url.QueryEscape(id) + "#steps-editor"
	}
	// Check runs every check of a save and saves nothing: the form comes
	// back as typed, with the problems or a word that all is well.
	checking := r.PostFormValue(rowButton) == "check:template"
	if form, ok := rowEdit(r); ok && !checking {
		c.redraw(w, r, s, form, back)
		return
	}
	t := templateFormFrom(r.PostForm)
	body, rowOf, bad := t.templateJSON()
	if id == "" {
		bad = append(bad, api.FieldError{Field: "id", Message: "give the template an id: lower-case letters, digits and dashes"})
	}
	if len(bad) > 0 {
		c.done(w, r, s, answer{Status: http.StatusBadRequest, Code: "invalid_template", Err: "The template is not valid.", Fields: bad}, "", back)
		return
	}
	var a answer
	if checking {
		_, a = typed(c.client(r, s).PostTemplatesIDCheck(r.Context(), id, body))
	} else {
		_, a = typed(c.client(r, s).PutTemplatesID(r.Context(), id, body))
	}
	if checking && a.ok() {
		c.sessions.setFlash(s, &flash{OK: true, Message: "Every step, branch, macro and condition checks out. Nothing is saved yet: use Check and save.", Form: keptForm(r)})
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if a.ok() {
		a.Body = nil
		back = "/templates?id=" + url.QueryEscape(id) + "#shown"
	}
	a.Fields = toFormRows(a.Fields, rowOf)
	for i, f := range a.Fields {
		a.Fields[i].Field = stepInput(f.Field)
	}
	c.done(w, r, s, a, "Saved template "+id+"; it was checked against the integrations and the directory.", back)
}

func (c *Console) deleteTemplate(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := done(c.client(r, s).DeleteTemplatesID(r.Context(), id))
	c.done(w, r, s, a, "Deleted template "+id+"; runs already started keep their copy.", "/templates")
}
