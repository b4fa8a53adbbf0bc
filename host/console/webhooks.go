package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/outbound"
)

// The custom webhook editor: create, edit and delete an integration's own
// webhooks through a form, instead of the API explorer or the test form.
// See decision 0228.

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
	// The editor's inputs are named like the webhook's JSON fields, so
	// the API's field problems land beside them.
	var wh outbound.Webhook
	cl := c.client(r, s)
	if id != "" {
		existing, err := cl.GetIntegrationsIntegrationWebhooksID(r.Context(), integ, id)
		switch {
		case editing == "" && err == nil:
			c.done(w, r, s, answer{Status: http.StatusConflict, Code: "exists", Err: "A webhook with this id exists.",
				Fields: []api.FieldError{{Field: "id", Message: "a webhook with this id exists: choose another id, or edit that webhook"}}}, "", back)
			return
		case editing != "" && err == nil:
			wh = existing
		}
	}
	wh.Name, wh.Description, wh.Method, wh.URL, wh.MessageType = f("name"), f("description"), f("method"), f("url"), f("messageType")
	wh.Body = r.PostFormValue("body")
	wh.Headers = apiRows[outbound.KV](formRows(r, "headers"))
	wh.Query = apiRows[outbound.KV](formRows(r, "query"))
	wh.Updated = time.Time{}
	if id == "" {
		c.done(w, r, s, answer{Status: http.StatusUnprocessableEntity, Code: "invalid_webhook", Err: "The webhook needs an id.",
			Fields: []api.FieldError{{Field: "id", Message: "required: lower-case letters, digits, '.', '_' or '-'"}}}, "", back)
		return
	}
	_, a := typed(cl.PutIntegrationsIntegrationWebhooksID(r.Context(), integ, id, wh))
	if a.ok() {
		// Saved: the test form is opened on it, the natural next step.
		back = page + "?webhook=" + url.QueryEscape(id) + "#webhooks"
	}
	c.done(w, r, s, a, "Saved the webhook "+id+". Test it below before a template uses it.", back)
}

// deleteWebhook removes a custom webhook.
func (c *Console) deleteWebhook(w http.ResponseWriter, r *http.Request, s *session) {
	integ, id := r.PathValue("id"), r.PathValue("webhook")
	a := done(c.client(r, s).DeleteIntegrationsIntegrationWebhooksID(r.Context(), integ, id))
	c.done(w, r, s, a, "Deleted the webhook "+id+".", "/integrations/"+url.PathEscape(integ)+"/outbound#webhooks")
}
