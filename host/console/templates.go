package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/macro"
)

// tmplStep mirrors one step of an orchestration template, for the steps
// table; the editor works on the template's JSON as the API takes it.
type tmplStep struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Kind        string            `json:"kind"`
	Integration string            `json:"integration"`
	Webhook     string            `json:"webhook"`
	Inputs      map[string]string `json:"inputs"`
	AD          *struct {
		Action string `json:"action"`
		Target string `json:"target"`
	} `json:"ad"`
	Condition string `json:"condition"`
	Delay     string `json:"delay"`
	OnSuccess string `json:"onSuccess"`
	OnFailure string `json:"onFailure"`
}

type tmpl struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Steps       []tmplStep `json:"steps"`
}

// templatesData is the templates page: the list, one template's steps and
// the editor.
type templatesData struct {
	Templates []tmpl
	Err       string
	// Shown is the template opened, with its JSON for the editor.
	Shown   *tmpl
	JSON    string
	NewID   string
	CanEdit bool
	// Macros and Functions feed the chooser beside the editor.
	Macros    []macro.MacroInfo
	Functions []macro.FuncInfo
}

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
	d := templatesData{CanEdit: rt.allows(s.principal.Role, apiclient.RoutePutTemplatesID)}
	if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetTemplates, nil, nil); a.ok() {
		_ = a.decode(&d.Templates)
	} else {
		d.Err = a.Err
	}
	if id := r.FormValue("id"); id != "" {
		a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetTemplatesID, []string{id}, nil)
		if !a.ok() {
			c.refuse(w, r, s, a.Status, a.Err)
			return
		}
		d.Shown = &tmpl{}
		_ = a.decode(d.Shown)
		var buf bytes.Buffer
		if json.Indent(&buf, a.Body, "", "  ") == nil {
			d.JSON = buf.String()
		}
	} else {
		d.JSON = exampleTemplate
	}
	if draft := r.FormValue("draft"); draft != "" && d.CanEdit {
		d.JSON = draft
	}
	if d.CanEdit {
		d.Macros = c.templateMacros(r, s, d.Shown)
		_, d.Functions = chooser()
	}
	c.render(w, http.StatusOK, "templates", c.newPage(s, "templates", "Orchestration templates", d))
}

// templateMacros is the chooser of the integration the template calls, as
// the outbound service lists it, plus the outputs of the template's steps.
func (c *Console) templateMacros(r *http.Request, s *session, t *tmpl) []macro.MacroInfo {
	integ := ""
	if t != nil {
		for _, st := range t.Steps {
			if st.Integration != "" {
				integ = st.Integration
				break
			}
		}
	}
	if integ == "" {
		var ins []integrationView
		if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetIntegrations, nil, nil); a.ok() && a.decode(&ins) == nil && len(ins) > 0 {
			integ = ins[0].ID
		}
	}
	var out []macro.MacroInfo
	if integ != "" && c.routeTable().has(apiclient.RouteGetIntegrationsIntegrationMacros) {
		if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetIntegrationsIntegrationMacros, []string{integ}, nil); a.ok() {
			_ = a.decode(&out)
		}
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

// saveTemplate sends the edited JSON; the engine checks steps, branches,
// loops, macros and conditions, and a refusal brings the draft back.
func (c *Console) saveTemplate(w http.ResponseWriter, r *http.Request, s *session) {
	id := strings.TrimSpace(r.PostFormValue("id"))
	body := r.PostFormValue("json")
	back := "/templates?id=" + url.QueryEscape(id)
	if id == "" {
		c.sessions.setFlash(s, &flash{OK: false, Message: "Give the template an id (lower-case letters, digits and dashes)."})
		http.Redirect(w, r, "/templates?draft="+url.QueryEscape(body), http.StatusSeeOther)
		return
	}
	var parsed any
	if err := json.Unmarshal([]byte(body), &parsed); err != nil {
		// Where the mistake is, as the editor counts lines. See decision 0229.
		c.sessions.setFlash(s, &flash{OK: false, Message: "The template is not valid JSON (" + api.DescribeJSONError(err, []byte(body)) + "); nothing was saved."})
		http.Redirect(w, r, "/templates?draft="+url.QueryEscape(body), http.StatusSeeOther)
		return
	}
	a := c.api.call(r.Context(), r, s.token, apiclient.RoutePutTemplatesID, []string{id}, nil, apiclient.Body(strings.NewReader(body), "application/json"))
	if !a.ok() && a.Status != http.StatusForbidden && a.Status != http.StatusUnauthorized {
		back = "/templates?draft=" + url.QueryEscape(body)
		if r.PostFormValue("existing") == "true" {
			back += "&id=" + url.QueryEscape(id)
		}
	}
	if a.ok() {
		a.Body = nil
	}
	// The JSON editor has no input per step field: the message, which
	// names each step in words, is shown whole. See decision 0229.
	a.Fields = nil
	c.done(w, r, s, a, "Saved template "+id+"; it was checked against the integrations and the directory.", back)
}

func (c *Console) deleteTemplate(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.api.call(r.Context(), r, s.token, apiclient.RouteDeleteTemplatesID, []string{id}, nil)
	c.done(w, r, s, a, "Deleted template "+id+"; runs already started keep their copy.", "/templates")
}
