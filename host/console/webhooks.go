package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
)

// The custom webhook editor: create, edit and delete an integration's own
// webhooks through a form, instead of the API explorer or the test form.
// See decision 0228.

// webhookFields are the inputs of the editor, named like the webhook's
// JSON fields so the API's field problems land beside them.
var webhookFields = []string{"name", "description", "method", "url", "messageType", "body"}

// saveWebhook stores a custom webhook from the editor. A new one must not
// take the id of an existing webhook; an edited one keeps what the form
// does not show (outputs, verify, success statuses).
func (c *Console) saveWebhook(w http.ResponseWriter, r *http.Request, s *session) {
	integ := r.PathValue("id")
	_ = r.ParseForm()
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	editing, id := f("editing"), f("id")
	if editing != "" {
		id = editing
	}
	page := "/integrations/" + url.PathEscape(integ) + "/outbound"
	back := page + "?edit=" + url.QueryEscape(editing) + "#editor"
	if editing == "" {
		back = page + "#editor"
	}
	if form, ok := rowEdit(r); ok {
		c.redraw(w, r, s, form, back)
		return
	}
	body := map[string]any{}
	if id != "" {
		existing := c.api.call(r.Context(), r, s.token, apiclient.RouteGetIntegrationsIntegrationWebhooksID, []string{integ, id}, nil)
		switch {
		case editing == "" && existing.ok():
			c.done(w, r, s, answer{Status: http.StatusConflict, Code: "exists", Err: "A webhook with this id exists.",
				Fields: []api.FieldError{{Field: "id", Message: "a webhook with this id exists: choose another id, or edit that webhook"}}}, "", back)
			return
		case editing != "" && existing.ok():
			_ = json.Unmarshal(existing.Body, &body)
		}
	}
	for _, k := range webhookFields {
		body[k] = f(k)
	}
	body["body"] = r.PostFormValue("body")
	body["headers"] = formRows(r, "headers")
	body["query"] = formRows(r, "query")
	delete(body, "updated")
	if id == "" {
		c.done(w, r, s, answer{Status: http.StatusUnprocessableEntity, Code: "invalid_webhook", Err: "The webhook needs an id.",
			Fields: []api.FieldError{{Field: "id", Message: "required: lower-case letters, digits, '.', '_' or '-'"}}}, "", back)
		return
	}
	a := c.api.call(r.Context(), r, s.token, apiclient.RoutePutIntegrationsIntegrationWebhooksID, []string{integ, id}, body)
	if a.ok() {
		// Saved: the test form is opened on it, the natural next step.
		back = page + "?webhook=" + url.QueryEscape(id) + "#webhooks"
	}
	c.done(w, r, s, a, "Saved the webhook "+id+". Test it below before a template uses it.", back)
}

// deleteWebhook removes a custom webhook.
func (c *Console) deleteWebhook(w http.ResponseWriter, r *http.Request, s *session) {
	integ, id := r.PathValue("id"), r.PathValue("webhook")
	a := c.api.call(r.Context(), r, s.token, apiclient.RouteDeleteIntegrationsIntegrationWebhooksID, []string{integ, id}, nil)
	c.done(w, r, s, a, "Deleted the webhook "+id+".", "/integrations/"+url.PathEscape(integ)+"/outbound#webhooks")
}
