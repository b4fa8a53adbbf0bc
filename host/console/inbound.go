package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
)

type inboundEndpoint struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Method      string `json:"method"`
	URL         string `json:"url"`
	RecordsPath string `json:"recordsPath"`
	PrimaryKey  string `json:"primaryKey"`
	Headers     []kv   `json:"headers"`
	Query       []kv   `json:"query"`
	Paging      struct {
		Kind       string `json:"kind"`
		PageParam  string `json:"pageParam"`
		SizeParam  string `json:"sizeParam"`
		PageSize   int    `json:"pageSize"`
		FirstPage  int    `json:"firstPage"`
		CursorPath string `json:"cursorPath"`
	} `json:"paging"`
	Custom bool `json:"custom"`
	Fields []struct {
		Path   string `json:"path"`
		Type   string `json:"type"`
		Sample string `json:"sample"`
	} `json:"fields"`
	FieldsFrom string    `json:"fieldsFrom"`
	Tested     time.Time `json:"tested"`
}

// inboundIndexData lists the integrations whose endpoints can be opened.
type inboundIndexData struct {
	Integrations []integrationView
	Err          string
}

func (c *Console) inboundIndex(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetIntegrationsIDInbound) {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "inbound", "Inbound", "the inbound endpoints service"))
		return
	}
	var d inboundIndexData
	if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetIntegrations, nil, nil); a.ok() {
		_ = a.decode(&d.Integrations)
	} else {
		d.Err = a.Err
	}
	c.render(w, http.StatusOK, "inbound-index", c.newPage(s, "inbound", "Inbound", d))
}

// inboundData is one integration's inbound endpoints.
type inboundData struct {
	Integration integrationView
	Endpoints   []inboundEndpoint
	Err         string
	// CanTest runs an endpoint; CanSave also records its fields and adds
	// custom endpoints (admins).
	CanTest, CanSave, CanRemove bool
	// HasSync links to the data sources once that service is wired.
	HasSync bool
	// Edit is the custom endpoint in the edit form (?edit=id), or nil
	// for the add form.
	Edit *inboundEndpoint
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
	a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetIntegrationsID, []string{id}, nil)
	if !a.ok() {
		c.refuse(w, r, s, a.Status, a.Err)
		return
	}
	_ = a.decode(&d.Integration)
	if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetIntegrationsIDInbound, []string{id}, nil); a.ok() {
		_ = a.decode(&d.Endpoints)
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
	a := c.api.call(r.Context(), r, s.token, apiclient.RoutePostIntegrationsIDInboundEndpointTest, []string{id, ep}, nil, apiclient.Query(q))
	back := "/integrations/" + url.PathEscape(id) + "/inbound"
	var res inboundTest
	if !a.ok() || a.decode(&res) != nil {
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

// inboundTest is an inbound endpoint's test answer.
type inboundTest struct {
	EndpointID string `json:"endpointId"`
	OK         bool   `json:"ok"`
	Error      string `json:"error"`
	Records    int    `json:"records"`
	Saved      bool   `json:"saved"`
	Fields     []struct {
		Path   string `json:"path"`
		Type   string `json:"type"`
		Sample string `json:"sample"`
	} `json:"fields"`
	Exchange *struct {
		Method          string `json:"method"`
		URL             string `json:"url"`
		RequestHeaders  []kv   `json:"requestHeaders"`
		Status          int    `json:"status"`
		ResponseHeaders []kv   `json:"responseHeaders"`
		Body            string `json:"body"`
		Attempts        int    `json:"attempts"`
		DurationMS      int64  `json:"durationMs"`
	} `json:"exchange"`
}

// kv is a header or parameter as the API lists it.
type kv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
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
	def := map[string]any{
		"id": f("id"), "name": f("name"), "description": f("description"),
		"method": f("method"), "url": f("url"), "recordsPath": f("recordsPath"), "primaryKey": f("primaryKey"),
		"headers": formRows(r, "headers"), "query": formRows(r, "query"),
	}
	page := "/integrations/" + url.PathEscape(id) + "/inbound"
	route, args, back := apiclient.RoutePostIntegrationsIDInbound, []string{id}, page+"#custom"
	if editing != "" {
		def["id"] = editing
		route, args = apiclient.RoutePutIntegrationsIDInboundEndpoint, []string{id, editing}
		back = page + "?edit=" + url.QueryEscape(editing) + "#custom"
	}
	if form, ok := rowEdit(r); ok {
		c.redraw(w, r, s, form, back)
		return
	}
	var bad []api.FieldError
	if kind := f("paging.kind"); kind != "" && kind != "none" {
		p := map[string]any{"kind": kind, "pageParam": f("paging.pageParam"), "sizeParam": f("paging.sizeParam"), "cursorPath": f("paging.cursorPath")}
		for _, k := range []string{"pageSize", "firstPage"} {
			v := f("paging." + k)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				bad = append(bad, api.FieldError{Field: "paging." + k, Message: "a whole number, 0 or more"})
				continue
			}
			p[k] = n
		}
		def["paging"] = p
	}
	if len(bad) > 0 {
		c.done(w, r, s, answer{Status: http.StatusBadRequest, Code: "invalid_endpoint", Err: "The endpoint definition is not valid.", Fields: bad}, "", back)
		return
	}
	a := c.api.call(r.Context(), r, s.token, route, args, def)
	msg := "Test passed; the custom endpoint is saved with the fields that came back."
	var saved struct {
		Test *inboundTest `json:"test"`
	}
	if a.ok() && a.decode(&saved) == nil && saved.Test != nil {
		c.sessions.setFlash(s, &flash{OK: true, Message: msg, Inbound: saved.Test})
		http.Redirect(w, r, page+"#endpoints", http.StatusSeeOther)
		return
	}
	c.done(w, r, s, a, msg, back)
}

func (c *Console) removeEndpoint(w http.ResponseWriter, r *http.Request, s *session) {
	id, ep := r.PathValue("id"), r.PathValue("endpoint")
	a := c.api.call(r.Context(), r, s.token, apiclient.RouteDeleteIntegrationsIDInboundEndpoint, []string{id, ep}, nil)
	c.done(w, r, s, a, "Removed "+ep+".", "/integrations/"+url.PathEscape(id)+"/inbound")
}
