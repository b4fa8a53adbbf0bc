package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/integrations"
)

// integrationView is the API's view of an integration with the words the
// pages draw its status in. It embeds the API's own type, so a field the
// API renames fails to compile here (decision 0266).
type integrationView struct {
	integrations.View
}

// integrationViews wraps the API's list for the pages.
func integrationViews(list []integrations.View) []integrationView {
	out := make([]integrationView, len(list))
	for i, v := range list {
		out[i] = integrationView{v}
	}
	return out
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

// settingInfo is one setting of the connector's schema as the form draws
// it: the API's description with the stored value or secret state.
type settingInfo struct {
	integrations.SettingInfo
	// Value is the saved plain value, filled by the page; secrets never
	// have one.
	Value string
	// Set says whether a secret has a stored value.
	Set bool
}

// integrationsData is the integrations list.
type integrationsData struct {
	Integrations []integrationView
	Err          string
	// Extensions are the installed extensions, for the create form.
	Extensions []extensions.Summary
	CanCreate  bool
	CanToggle  bool
}

func (c *Console) integrationsPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetIntegrations) {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "integrations", "Integrations", "the integrations service"))
		return
	}
	role := s.principal.Role
	d := integrationsData{
		CanCreate: rt.allows(role, apiclient.RoutePostIntegrations),
		CanToggle: rt.allows(role, apiclient.RoutePostIntegrationsIDEnable),
	}
	cl := c.client(r, s)
	if list, a := typed(cl.GetIntegrations(r.Context())); a.ok() {
		d.Integrations = integrationViews(list)
	} else {
		d.Err = a.Err
	}
	if d.CanCreate {
		d.Extensions, _ = typed(cl.GetExtensions(r.Context()))
	}
	c.render(w, http.StatusOK, "integrations", c.newPage(s, "integrations", "Integrations", d))
}

func (c *Console) createIntegration(w http.ResponseWriter, r *http.Request, s *session) {
	v, a := typed(c.client(r, s).PostIntegrations(r.Context(), integrations.CreateRequest{
		ExtensionID: r.PostFormValue("extension_id"),
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		ID:          strings.TrimSpace(r.PostFormValue("id")),
	}))
	back := "/integrations"
	if a.ok() && v.ID != "" {
		back = "/integrations/" + url.PathEscape(v.ID)
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
	cl := c.client(r, s)
	v, a := typed(cl.GetIntegrationsID(r.Context(), id))
	if !a.ok() {
		c.refuse(w, r, s, a.Status, a.Err)
		return
	}
	rt := c.routeTable()
	role := s.principal.Role
	d := integrationData{
		CanSettings: rt.allows(role, apiclient.RoutePatchIntegrationsIDSettings),
		CanAuth:     rt.allows(role, apiclient.RoutePatchIntegrationsIDAuthorization),
		CanToggle:   rt.allows(role, apiclient.RoutePostIntegrationsIDEnable),
		CanTest:     rt.allows(role, apiclient.RoutePostIntegrationsIDTest),
		CanDelete:   rt.allows(role, apiclient.RouteDeleteIntegrationsID),
		HasInbound:  rt.has(apiclient.RouteGetIntegrationsIDInbound),
		HasOutbound: rt.has(apiclient.RouteGetIntegrationsIntegrationWebhooks),
	}
	d.Integration = integrationView{v}
	schema, sa := typed(cl.GetIntegrationsIDSchema(r.Context(), id))
	if !sa.ok() {
		d.SchemaErr = sa.Err
	}
	for _, info := range schema {
		st := settingInfo{SettingInfo: info}
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
	route, msg := apiclient.RoutePostIntegrationsIDDisable, "Disabled "+id+": its connector stopped, what uses it is paused, its configuration is kept."
	if r.PostFormValue("enabled") == "true" {
		route, msg = apiclient.RoutePostIntegrationsIDEnable, "Enabled "+id+": the connector started and the connection test passed."
	}
	a := c.api.call(r.Context(), r, s.token, route, []string{id}, nil)
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
	v, a := typed(c.client(r, s).PatchIntegrationsIDSettings(r.Context(), id, patch))
	c.savedAndTested(w, r, s, integrationView{v}, a, "settings", "/integrations/"+url.PathEscape(id))
}

// savedAndTested reports a saved change of settings or authorization with
// the connection test the API ran after it: green only when the test
// passed with the new values (see decision 0221).
func (c *Console) savedAndTested(w http.ResponseWriter, r *http.Request, s *session, v integrationView, a answer, what, back string) {
	if !a.ok() {
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
	v, a := typed(c.client(r, s).PatchIntegrationsIDAuthorization(r.Context(), id, patch))
	c.savedAndTested(w, r, s, integrationView{v}, a, "authorization (stored encrypted, never shown again)", "/integrations/"+url.PathEscape(id))
}

func (c *Console) testIntegration(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	tr, a := typed(c.client(r, s).PostIntegrationsIDTest(r.Context(), id))
	msg := "Connection test passed."
	if a.ok() && !tr.OK {
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
	a := done(c.client(r, s).DeleteIntegrationsID(r.Context(), id))
	back := "/integrations"
	if !a.ok() {
		back += "/" + url.PathEscape(id)
	}
	c.done(w, r, s, a, "Deleted the integration "+id+" with its settings and API key.", back)
}

// deleteAutomation and deleteDataSource delete from their lists.
func (c *Console) deleteAutomation(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := done(c.client(r, s).DeleteAutomationsID(r.Context(), id))
	c.done(w, r, s, a, "Deleted the automation "+id+"; its runs stay in the history.", "/automations")
}

func (c *Console) deleteDataSource(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := done(c.client(r, s).DeleteDatasourcesID(r.Context(), id))
	c.done(w, r, s, a, "Deleted the data source "+id+"; its sync runs stay in the history.", "/sync")
}

// backTo returns the form's "back" field when it is a local path.
func backTo(r *http.Request, def string) string {
	if b := r.PostFormValue("back"); b != "" && safeNext(b) == b {
		return b
	}
	return def
}
