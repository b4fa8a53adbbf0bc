package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/inbound"
)

// inboundIndexData lists the integrations whose endpoints can be opened.
type inboundIndexData struct {
	Integrations []integrationView
	Err          string
}

// integrationIndex lists the integrations for the inbound and outbound
// index pages.
func (c *Console) integrationIndex(r *http.Request, s *session) inboundIndexData {
	var d inboundIndexData
	if list, a := typed(c.client(r, s).GetIntegrations(r.Context())); a.ok() {
		d.Integrations = integrationViews(list)
	} else {
		d.Err = a.Err
	}
	return d
}

func (c *Console) inboundIndex(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetIntegrationsIDInbound) {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "inbound", "Inbound", "the inbound endpoints service"))
		return
	}
	d := c.integrationIndex(r, s)
	c.render(w, http.StatusOK, "inbound-index", c.newPage(s, "inbound", "Inbound", d))
}

// inboundData is one integration's inbound endpoints.
type inboundData struct {
	Integration integrationView
	Endpoints   []inbound.Endpoint
	Err         string
	// CanTest runs an endpoint; CanSave also records its fields and adds
	// custom endpoints (admins).
	CanTest, CanSave, CanRemove bool
	// HasSync links to the data sources once that service is wired.
	HasSync bool
	// Edit is the custom endpoint in the edit form (?edit=id), or nil
	// for the add form.
	Edit *inbound.Endpoint
}

func (c *Console) inboundPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetIntegrationsIDInbound) {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "inbound", "Inbound", "the inbound endpoints service"))
		return
	}
	id := r.PathValue("id")
	role := s.principal.Role
	d := inboundData{
		CanTest:   rt.allows(role, apiclient.RoutePostIntegrationsIDInboundEndpointTest),
		CanSave:   rt.allows(role, apiclient.RoutePostIntegrationsIDInbound),
		CanRemove: rt.allows(role, apiclient.RouteDeleteIntegrationsIDInboundEndpoint),
		HasSync:   len(rt.section(sections[0])) > 0,
	}
	cl := c.client(r, s)
	v, a := typed(cl.GetIntegrationsID(r.Context(), id))
	if !a.ok() {
		c.refuse(w, r, s, a.Status, a.Err)
		return
	}
	d.Integration = integrationView{v}
	if eps, a := typed(cl.GetIntegrationsIDInbound(r.Context(), id)); a.ok() {
		d.Endpoints = eps
	} else {
		d.Err = a.Err
	}
	for i := range d.Endpoints {
		if e := &d.Endpoints[i]; e.Custom && e.ID == r.FormValue("edit") {
			d.Edit = e
		}
	}
	c.render(w, http.StatusOK, "inbound", c.newPage(s, "inbound", "Inbound: "+d.Integration.Name, d))
}

// testEndpoint runs a saved or preconfigured endpoint's first page; with
// save=true (admins) the fields found are recorded: test and save.
func (c *Console) testEndpoint(w http.ResponseWriter, r *http.Request, s *session) {
	id, ep := r.PathValue("id"), r.PathValue("endpoint")
	q := url.Values{}
	save := r.PostFormValue("save") == "true"
	msg := "Test passed."
	if save {
		q.Set("save", "true")
		msg = "Test passed and saved: the fields that came back are below."
	}
	res, a := typed(c.client(r, s).PostIntegrationsIDInboundEndpointTest(r.Context(), id, ep, apiclient.Query(q)))
	back := "/integrations/" + url.PathEscape(id) + "/inbound"
	if !a.ok() {
		c.done(w, r, s, a, msg, back)
		return
	}
	f := &flash{OK: res.OK, Message: msg, Inbound: &res}
	if !res.OK {
		f.Message = "Test failed, nothing saved: " + res.Error
	}
	c.sessions.setFlash(s, f)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// kv is one row of a name/value list (headers, query parameters, a
// step's inputs) as the forms draw and read it. The API's own row types
// (inbound.KV, outbound.KV, outbound.Header) have the same shape, so
// rows convert to and from them with kvRows and apiRows.
type kv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// nameValue is any of the API's name/value row types.
type nameValue interface {
	~struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
}

// kvRows turns the API's rows into the form's.
func kvRows[T nameValue](rows []T) []kv {
	out := make([]kv, len(rows))
	for i, r := range rows {
		out[i] = kv(r)
	}
	return out
}

// apiRows turns the form's rows into the API's type; nil stays nil, so
// an empty list is left out of the request as before.
func apiRows[T nameValue](rows []kv) []T {
	if rows == nil {
		return nil
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = T(r)
	}
	return out
}

// saveCustomEndpoint tests a custom endpoint and saves it when the test
// passes (the API refuses to save an untested definition): a new one
// from the add form, or a changed one from the edit form
// (/inbound/{endpoint}/save). Inputs are named like the definition's JSON
// fields, so the API's problems land beside them. See decision 0228.
func (c *Console) saveCustomEndpoint(w http.ResponseWriter, r *http.Request, s *session) {
	id, editing := r.PathValue("id"), r.PathValue("endpoint")
	_ = r.ParseForm()
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	def := inbound.Definition{
		ID: f("id"), Name: f("name"), Description: f("description"),
		Method: f("method"), URL: f("url"), RecordsPath: f("recordsPath"), PrimaryKey: f("primaryKey"),
		Headers: apiRows[inbound.KV](formRows(r, "headers")), Query: apiRows[inbound.KV](formRows(r, "query")),
	}
	page := "/integrations/" + url.PathEscape(id) + "/inbound"
	back := page + "#custom"
	if editing != "" {
		def.ID = editing
		back = page + "?edit=" + url.QueryEscape(editing) + "#custom"
	}
	if form, ok := rowEdit(r); ok {
		c.redraw(w, r, s, form, back)
		return
	}
	var bad []api.FieldError
	if kind := f("paging.kind"); kind != "" && kind != "none" {
		def.Paging = inbound.Paging{Kind: kind, PageParam: f("paging.pageParam"), SizeParam: f("paging.sizeParam"), CursorPath: f("paging.cursorPath")}
		for k, to := range map[string]*int{"pageSize": &def.Paging.PageSize, "firstPage": &def.Paging.FirstPage} {
			v := f("paging." + k)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				bad = append(bad, api.FieldError{Field: "paging." + k, Message: "a whole number, 0 or more"})
				continue
			}
			*to = n
		}
	}
	if len(bad) > 0 {
		c.done(w, r, s, answer{Status: http.StatusBadRequest, Code: "invalid_endpoint", Err: "The endpoint definition is not valid.", Fields: bad}, "", back)
		return
	}
	cl := c.client(r, s)
	var saved inbound.SaveAnswer
	var a answer
	if editing != "" {
		saved, a = typed(cl.PutIntegrationsIDInboundEndpoint(r.Context(), id, editing, def))
	} else {
		saved, a = typed(cl.PostIntegrationsIDInbound(r.Context(), id, def))
	}
	msg := "Test passed; the custom endpoint is saved with the fields that came back."
	if a.ok() && saved.Test != nil {
		c.sessions.setFlash(s, &flash{OK: true, Message: msg, Inbound: saved.Test})
		http.Redirect(w, r, page+"#endpoints", http.StatusSeeOther)
		return
	}
	c.done(w, r, s, a, msg, back)
}

func (c *Console) removeEndpoint(w http.ResponseWriter, r *http.Request, s *session) {
	id, ep := r.PathValue("id"), r.PathValue("endpoint")
	a := done(c.client(r, s).DeleteIntegrationsIDInboundEndpoint(r.Context(), id, ep))
	c.done(w, r, s, a, "Removed "+ep+".", "/integrations/"+url.PathEscape(id)+"/inbound")
}
