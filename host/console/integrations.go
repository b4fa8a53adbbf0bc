package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

type integrationView struct {
	ID            string            `json:"id"`
	ExtensionID   string            `json:"extension_id"`
	Name          string            `json:"name"`
	Enabled       bool              `json:"enabled"`
	Settings      map[string]string `json:"settings"`
	Authorization map[string]struct {
		Set bool `json:"set"`
	} `json:"authorization"`
	Missing   []string `json:"missing"`
	Connector *struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"connector"`
	LastTest      *testResult `json:"last_test"`
	Status        string      `json:"status"`
	StatusMessage string      `json:"status_message"`
	Updated       time.Time   `json:"updated"`
}

// Good reports whether the status may be drawn as good: only a ready
// integration, or a disabled one whose current settings passed.
func (v integrationView) Good() bool { return v.Status == "ready" || v.Status == "disabled" }

// StatusLabel is the status in a few words.
func (v integrationView) StatusLabel() string {
	switch v.Status {
	case "ready":
		return "working"
	case "disabled":
		return "disabled, test passed"
	case "untested":
		return "not tested yet"
	case "stale":
		return "changed since the last test"
	case "test_failed":
		return "connection test failed"
	case "incomplete":
		return "settings missing"
	case "extension_missing":
		return "extension not installed"
	}
	return v.Status
}

type testResult struct {
	OK      bool   `json:"ok"`
	Account string `json:"account"`
	Checks  []struct {
		Name    string `json:"name"`
		Status  string `json:"status"`
		Message string `json:"message"`
		Remedy  string `json:"remedy"`
	} `json:"checks"`
	At time.Time `json:"at"`
}

type settingInfo struct {
	Key         string   `json:"key"`
	Label       string   `json:"label"`
	Description string   `json:"description"`
	Type        string   `json:"type"`
	Required    bool     `json:"required"`
	Secret      bool     `json:"secret"`
	Default     string   `json:"default"`
	Enum        []string `json:"enum"`
	// Value is the saved plain value, filled by the page; secrets never
	// have one.
	Value string `json:"-"`
	// Set says whether a secret has a stored value.
	Set bool `json:"-"`
}

// integrationsData is the integrations list.
type integrationsData struct {
	Integrations []integrationView
	Err          string
	// Extensions are the installed extensions, for the create form.
	Extensions []extensionSummary
	CanCreate  bool
	CanToggle  bool
}

func (c *Console) integrationsPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has("GET", "/v1/integrations") {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "integrations", "Integrations", "the integrations service"))
		return
	}
	role := s.principal.Role
	d := integrationsData{
		CanCreate: rt.allows(role, "POST", "/v1/integrations"),
		CanToggle: rt.allows(role, "POST", "/v1/integrations/{id}/enable"),
	}
	if a := c.api.call(r.Context(), r, s.token, "GET", "/v1/integrations", nil, ""); a.ok() {
		_ = a.decode(&d.Integrations)
	} else {
		d.Err = a.Err
	}
	if d.CanCreate {
		if a := c.api.call(r.Context(), r, s.token, "GET", "/v1/extensions", nil, ""); a.ok() {
			_ = a.decode(&d.Extensions)
		}
	}
	c.render(w, http.StatusOK, "integrations", c.newPage(s, "integrations", "Integrations", d))
}

func (c *Console) createIntegration(w http.ResponseWriter, r *http.Request, s *session) {
	body := map[string]string{
		"extension_id": r.PostFormValue("extension_id"),
		"name":         strings.TrimSpace(r.PostFormValue("name")),
	}
	if id := strings.TrimSpace(r.PostFormValue("id")); id != "" {
		body["id"] = id
	}
	a := c.api.callJSON(r.Context(), r, s.token, "POST", "/v1/integrations", body)
	back := "/integrations"
	if a.ok() {
		var v integrationView
		if a.decode(&v) == nil && v.ID != "" {
			back = "/integrations/" + url.PathEscape(v.ID)
		}
	}
	c.done(w, r, s, a, "Created the integration; it stays disabled until you enter its settings and enable it.", back)
}

// integrationData is one integration's page.
type integrationData struct {
	Integration                              integrationView
	Plain                                    []settingInfo
	Secret                                   []settingInfo
	SchemaErr                                string
	HasInbound, HasOutbound                  bool
	CanSettings, CanAuth, CanToggle, CanTest bool
	// CanDelete draws the delete form; the API refuses an enabled
	// integration anyway, so it is drawn only for a disabled one.
	CanDelete bool
}

func (c *Console) integrationPage(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	base := "/v1/integrations/" + url.PathEscape(id)
	a := c.api.call(r.Context(), r, s.token, "GET", base, nil, "")
	if !a.ok() {
		c.refuse(w, r, s, a.Status, a.Err)
		return
	}
	rt := c.routeTable()
	role := s.principal.Role
	d := integrationData{
		CanSettings: rt.allows(role, "PATCH", "/v1/integrations/{id}/settings"),
		CanAuth:     rt.allows(role, "PATCH", "/v1/integrations/{id}/authorization"),
		CanToggle:   rt.allows(role, "POST", "/v1/integrations/{id}/enable"),
		CanTest:     rt.allows(role, "POST", "/v1/integrations/{id}/test"),
		CanDelete:   rt.allows(role, "DELETE", "/v1/integrations/{id}"),
		HasInbound:  rt.has("GET", "/v1/integrations/{id}/inbound"),
		HasOutbound: rt.has("GET", "/v1/integrations/{integration}/webhooks"),
	}
	_ = a.decode(&d.Integration)
	var schema []settingInfo
	if sa := c.api.call(r.Context(), r, s.token, "GET", base+"/schema", nil, ""); sa.ok() {
		_ = sa.decode(&schema)
	} else {
		d.SchemaErr = sa.Err
	}
	for _, st := range schema {
		if st.Secret {
			st.Set = d.Integration.Authorization[st.Key].Set
			d.Secret = append(d.Secret, st)
		} else {
			st.Value = d.Integration.Settings[st.Key]
			d.Plain = append(d.Plain, st)
		}
	}
	c.render(w, http.StatusOK, "integration", c.newPage(s, "integrations", d.Integration.Name, d))
}

func (c *Console) toggleIntegration(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	op, msg := "disable", "Disabled "+id+": its connector stopped, what uses it is paused, its configuration is kept."
	if r.PostFormValue("enabled") == "true" {
		op, msg = "enable", "Enabled "+id+": the connector started and the connection test passed."
	}
	a := c.api.call(r.Context(), r, s.token, "POST", "/v1/integrations/"+url.PathEscape(id)+"/"+op, nil, "")
	c.done(w, r, s, a, msg, backTo(r, "/integrations"))
}

// saveSettings sends the plain settings form; a blank field falls back to
// the connector's default.
func (c *Console) saveSettings(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	_ = r.ParseForm()
	patch := map[string]string{}
	for k, v := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "setting."); ok && len(v) > 0 {
			patch[name] = strings.TrimSpace(v[0])
		}
	}
	a := c.api.callJSON(r.Context(), r, s.token, "PATCH", "/v1/integrations/"+url.PathEscape(id)+"/settings", patch)
	c.savedAndTested(w, r, s, a, "settings", "/integrations/"+url.PathEscape(id))
}

// savedAndTested reports a saved change of settings or authorization with
// the connection test the API ran after it: green only when the test
// passed with the new values (see decision 0221).
func (c *Console) savedAndTested(w http.ResponseWriter, r *http.Request, s *session, a answer, what, back string) {
	var v integrationView
	if !a.ok() || a.decode(&v) != nil {
		c.done(w, r, s, a, "", back)
		return
	}
	switch {
	case v.Good():
		c.sessions.setFlash(s, &flash{OK: true, Message: "Saved the " + what + "; the connection test passed with them."})
	case v.Status == "incomplete" || v.Status == "untested":
		// Saved, and nothing failed: the test waits for the rest.
		c.sessions.setFlash(s, &flash{OK: true, Message: "Saved the " + what + "; not tested yet. " + v.StatusMessage})
	default:
		msg := "Saved the " + what + ", but they do not work: " + v.StatusMessage
		if v.LastTest != nil {
			for _, ch := range v.LastTest.Checks {
				if ch.Status == "failed" {
					msg += " " + ch.Name + ": " + ch.Message + "."
				}
			}
		}
		c.sessions.setFlash(s, &flash{OK: false, Message: msg})
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// saveAuthorization sends only the secret fields the admin filled in: the
// form never shows a stored secret, so a blank field means "keep it".
func (c *Console) saveAuthorization(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	_ = r.ParseForm()
	patch := map[string]string{}
	for k, v := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "secret."); ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			patch[name] = strings.TrimSpace(v[0])
		}
	}
	if len(patch) == 0 {
		c.sessions.setFlash(s, &flash{OK: false, Message: "Nothing to save: type a new value to replace a stored secret."})
		http.Redirect(w, r, "/integrations/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	a := c.api.callJSON(r.Context(), r, s.token, "PATCH", "/v1/integrations/"+url.PathEscape(id)+"/authorization", patch)
	c.savedAndTested(w, r, s, a, "authorization (stored encrypted, never shown again)", "/integrations/"+url.PathEscape(id))
}

func (c *Console) testIntegration(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.api.call(r.Context(), r, s.token, "POST", "/v1/integrations/"+url.PathEscape(id)+"/test", nil, "")
	msg := "Connection test passed."
	var tr testResult
	if a.ok() && a.decode(&tr) == nil && !tr.OK {
		msg = "Connection test failed; see the checks below."
		c.sessions.setFlash(s, &flash{OK: false, Message: msg, Detail: a.value()})
		http.Redirect(w, r, "/integrations/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	c.done(w, r, s, a, msg, "/integrations/"+url.PathEscape(id))
}

// deleteIntegration deletes a disabled integration and goes back to the
// list.
func (c *Console) deleteIntegration(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.api.call(r.Context(), r, s.token, "DELETE", "/v1/integrations/"+url.PathEscape(id), nil, "")
	back := "/integrations"
	if !a.ok() {
		back += "/" + url.PathEscape(id)
	}
	c.done(w, r, s, a, "Deleted the integration "+id+" with its settings and API key.", back)
}

// deleteAutomation and deleteDataSource delete from their lists.
func (c *Console) deleteAutomation(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.api.call(r.Context(), r, s.token, "DELETE", "/v1/automations/"+url.PathEscape(id), nil, "")
	c.done(w, r, s, a, "Deleted the automation "+id+"; its runs stay in the history.", "/automations")
}

func (c *Console) deleteDataSource(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.api.call(r.Context(), r, s.token, "DELETE", "/v1/datasources/"+url.PathEscape(id), nil, "")
	c.done(w, r, s, a, "Deleted the data source "+id+"; its sync runs stay in the history.", "/sync")
}

// backTo returns the form's "back" field when it is a local path.
func backTo(r *http.Request, def string) string {
	if b := r.PostFormValue("back"); b != "" && safeNext(b) == b {
		return b
	}
	return def
}
