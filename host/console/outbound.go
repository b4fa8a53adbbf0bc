package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/outbound"
)

// outboundData is one integration's webhooks page.
type outboundData struct {
	Integration integrationView
	Webhooks    []outbound.Webhook
	Err         string
	// Macros is the integration's macro chooser, from the API.
	Macros    []macro.MacroInfo
	Functions []macro.FuncInfo
	// Inputs are the bare inputs (%email%) of each webhook, by id, so the
	// form can offer a binding row for each.
	Inputs map[string][]string
	// Result is the last test's answer, shown once; Form the test's form
	// values, kept so a failed test can be corrected.
	Result  *outbound.TestResult
	Form    outboundForm
	CanTest bool
	// CanEdit shows the custom webhook editor and delete buttons (admins);
	// Edit is the webhook in the editor: a stored custom one (?edit=id)
	// or a new one.
	CanEdit bool
	Edit    outbound.Webhook
}

// outboundForm is the test form's content.
type outboundForm struct {
	Webhook string
	Objects string
	Inputs  []kv
	Save    bool
	// Custom is a custom webhook being written.
	Custom outbound.Webhook
}

// bareInput matches a webhook's own inputs: %name% with no namespace.
var bareInput = regexp.MustCompile(`%([A-Za-z_][A-Za-z0-9_]*)%`)

func inputsOf(w outbound.Webhook) []string {
	var out []string
	seen := map[string]bool{}
	texts := []string{w.URL, w.Body}
	for _, kv := range append(append([]outbound.KV(nil), w.Headers...), w.Query...) {
		texts = append(texts, kv.Value)
	}
	for _, t := range texts {
		for _, m := range bareInput.FindAllStringSubmatch(t, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}

func (c *Console) outboundIndex(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetIntegrationsIntegrationWebhooks) {
		http.Redirect(w, r, "/s/outbound", http.StatusSeeOther)
		return
	}
	d := c.integrationIndex(r, s)
	c.render(w, http.StatusOK, "outbound-index", c.newPage(s, "outbound", "Outbound", d))
}

func (c *Console) outboundPage(w http.ResponseWriter, r *http.Request, s *session) {
	if f := c.sessions.peekFlash(s); f != nil {
		if o, ok := f.Outcome.(*webhookOutcome); ok {
			c.renderOutbound(w, r, s, o.Result, o.Form)
			return
		}
	}
	c.renderOutbound(w, r, s, nil, outboundForm{Webhook: r.FormValue("webhook")})
}

func (c *Console) renderOutbound(w http.ResponseWriter, r *http.Request, s *session, res *outbound.TestResult, form outboundForm) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetIntegrationsIntegrationWebhooks) {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "outbound", "Outbound", "the outbound webhooks service"))
		return
	}
	id := r.PathValue("id")
	cl := c.client(r, s)
	v, a := typed(cl.GetIntegrationsID(r.Context(), id))
	if !a.ok() {
		c.refuse(w, r, s, a.Status, a.Err)
		return
	}
	d := outboundData{Integration: integrationView{v}, Result: res, Form: form, Inputs: map[string][]string{},
		CanTest: rt.allows(s.principal.Role, apiclient.RoutePostIntegrationsIntegrationWebhooksTest),
		CanEdit: rt.allows(s.principal.Role, apiclient.RoutePutIntegrationsIntegrationWebhooksID),
		Edit:    outbound.Webhook{Method: "POST", MessageType: outbound.MessageJSON}}
	if list, a := typed(cl.GetIntegrationsIntegrationWebhooks(r.Context(), id)); a.ok() {
		d.Webhooks = list
	} else {
		d.Err = a.Err
	}
	for _, wh := range d.Webhooks {
		d.Inputs[wh.ID] = inputsOf(wh)
		if wh.ID == r.FormValue("edit") && !wh.Preconfigured {
			d.Edit = wh
		}
	}
	if d.CanTest || d.CanEdit {
		d.Macros, _ = cl.GetIntegrationsIntegrationMacros(r.Context(), id)
		if len(d.Macros) == 0 {
			d.Macros, _ = chooser()
		}
		_, d.Functions = chooser()
		if len(d.Form.Inputs) == 0 && d.Form.Webhook != "" {
			for _, in := range d.Inputs[d.Form.Webhook] {
				d.Form.Inputs = append(d.Form.Inputs, kv{Name: in})
			}
		}
		for len(d.Form.Inputs) < 4 {
			d.Form.Inputs = append(d.Form.Inputs, kv{})
		}
	}
	c.render(w, http.StatusOK, "outbound", c.newPage(s, "outbound", "Outbound: "+d.Integration.Name, d))
}

// testWebhook runs a webhook for real for the chosen AD users or groups
// and shows each request and response; with "save" a custom webhook is
// stored when every call succeeded.
func (c *Console) testWebhook(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	_ = r.ParseForm()
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := outboundForm{Webhook: f("webhook"), Objects: f("objects"), Save: f("save") == "on"}
	req := outbound.TestRequest{Webhook: outbound.Webhook{ID: form.Webhook}, Save: form.Save}
	if form.Webhook == "" {
		form.Custom = outbound.Webhook{ID: f("custom.id"), Name: f("custom.name"), Method: f("custom.method"), URL: f("custom.url"),
			MessageType: f("custom.type"), Body: r.PostFormValue("custom.body")}
		req.Webhook = form.Custom
	}
	inputs := map[string]string{}
	names, values := r.PostForm["input.name"], r.PostForm["input.value"]
	for i := range names {
		n := strings.TrimSpace(names[i])
		v := ""
		if i < len(values) {
			v = strings.TrimSpace(values[i])
		}
		form.Inputs = append(form.Inputs, kv{Name: n, Value: v})
		if n != "" {
			inputs[n] = v
		}
	}
	if len(inputs) > 0 {
		req.Inputs = inputs
	}
	for _, line := range strings.Split(form.Objects, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			req.Objects = append(req.Objects, line)
		}
	}
	res, a := typed(c.client(r, s).PostIntegrationsIntegrationWebhooksTest(r.Context(), id, req))
	switch {
	case a.Status == http.StatusForbidden:
		c.refuse(w, r, s, http.StatusForbidden, a.Err)
		return
	case !a.ok():
		// The form comes back as typed, on the page after the redirect.
		c.sessions.setFlash(s, &flash{OK: false, Message: a.Err, Outcome: &webhookOutcome{Form: form}})
		http.Redirect(w, r, outboundBack(id, form), http.StatusSeeOther)
		return
	}
	msg := "Every call succeeded."
	if res.Saved {
		msg += " The webhook is saved."
	} else if res.NotSaved != "" {
		msg += " Not saved: " + res.NotSaved
	}
	if !res.OK {
		msg = "At least one call failed; see below. Nothing was saved."
	}
	c.sessions.setFlash(s, &flash{OK: res.OK, Message: msg, Outcome: &webhookOutcome{Result: &res, Form: form}})
	http.Redirect(w, r, outboundBack(id, form), http.StatusSeeOther)
}

// webhookOutcome is a webhook test's result and the form it ran from,
// drawn by the page after the redirect: refreshing that page does not
// call the app again (see decision 0226).
type webhookOutcome struct {
	Result *outbound.TestResult
	Form   outboundForm
}

// outboundBack is the page a webhook test redirects to.
func outboundBack(id string, form outboundForm) string {
	q := url.Values{}
	if form.Webhook != "" {
		q.Set("webhook", form.Webhook)
	}
	u := "/integrations/" + url.PathEscape(id) + "/outbound"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u + "#test"
}
