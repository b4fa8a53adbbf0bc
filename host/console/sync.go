package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/mapping"
	idsync "github.com/idbridge/idbridge/host/sync"
)

// parseRef reads "alias:path" (or "path") as typed into an app field
// input; ok is false for an empty input.
func parseRef(s string) (ref mapping.FieldRef, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return mapping.FieldRef{}, false
	}
	if a, p, found := strings.Cut(s, ":"); found {
		return mapping.FieldRef{Endpoint: strings.TrimSpace(a), Path: strings.TrimSpace(p)}, true
	}
	return mapping.FieldRef{Path: s}, true
}

// endpointChoice is an inbound endpoint offered in the data-source form.
type endpointChoice struct {
	IntegrationID, EndpointID, Name string
	Custom                          bool
	Fields                          []fieldChoice
}

// fieldChoice is an app field offered in the data-source form, with the
// sample value its endpoint's last test saw.
type fieldChoice struct {
	Value, Sample string
}

// syncData is the data sources page.
type syncData struct {
	Sources   []idsync.DataSource
	Err       string
	Endpoints []endpointChoice
	// Form is the data source being edited (empty for a new one).
	Form       idsync.DataSource
	Editing    bool
	Categories []string
	// Rows pad the form's tables with empty rows to fill in.
	EndpointRows, MappingRows []int
	CanEdit, CanRun           bool
	// Plan or Result are set after a dry run or an apply.
	Plan       *mapping.Plan
	PlanOf     string
	Result     *idsync.Result
	ReadMS     int64
	HasGeneric bool
	// Functions feed the format functions chooser.
	Functions []macro.FuncInfo
	// ChangeLimit is the change limit as typed or stored.
	ChangeLimit string
	// Attributes are the LDAP attributes offered, from the directory's
	// schema; AppFields the fields of the chosen endpoints, as their last
	// test found them. Both feed lists of choices that still take any
	// typed value. See decision 0270.
	Attributes []attributeChoice
	AppFields  []fieldChoice
}

var categories = []string{"update users", "create users", "orphans report"}

func (c *Console) syncBase(w http.ResponseWriter, r *http.Request, s *session) (*syncData, bool) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetDatasources) {
		http.Redirect(w, r, "/s/sync", http.StatusSeeOther)
		return nil, false
	}
	role := s.principal.Role
	d := &syncData{
		Categories: categories,
		CanEdit:    rt.allows(role, apiclient.RoutePostDatasources),
		CanRun:     rt.allows(role, apiclient.RoutePostDatasourcesIDPlan),
		HasGeneric: true,
	}
	if list, a := typed(c.client(r, s).GetDatasources(r.Context())); a.ok() {
		d.Sources = list
	} else {
		d.Err = a.Err
	}
	return d, true
}

// syncPage lists the data sources and, for admins, the form to add or
// edit one (?edit=id).
func (c *Console) syncPage(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := c.syncBase(w, r, s)
	if !ok {
		return
	}
	if f := c.sessions.peekFlash(s); f != nil {
		if o, ok := f.Outcome.(*syncOutcome); ok {
			d.Plan, d.PlanOf, d.ReadMS, d.Result = o.Plan, o.PlanOf, o.ReadMS, o.Result
		}
	}
	if d.CanEdit {
		d.Endpoints = c.endpointChoices(r, s)
		if id := r.FormValue("edit"); id != "" {
			ds, a := typed(c.client(r, s).GetDatasourcesID(r.Context(), id))
			if !a.ok() {
				c.refuse(w, r, s, a.Status, a.Err)
				return
			}
			d.Form = ds
			d.Editing = true
		}
		_, d.Functions = chooser()
		d.EndpointRows = rows(len(d.Form.Endpoints), 1, 1)
		d.MappingRows = rows(len(d.Form.Mappings), 1, 2)
		// A refused save or a row button: the editor shows what was typed,
		// row for row. See decisions 0222 and 0268.
		if kept := keptOf(c.sessions.peekFlash(s), dataSourceForm); kept != nil {
			d.Form, _ = dataSourceFromForm(kept, true)
			d.Editing = kept.Get("editing") == "true"
			d.EndpointRows = rows(len(d.Form.Endpoints), 0, 1)
			d.MappingRows = rows(len(d.Form.Mappings), 0, 1)
			d.ChangeLimit = kept.Get("options.changeLimit")
		} else if d.Form.Options.ChangeLimit != 0 {
			d.ChangeLimit = strconv.Itoa(d.Form.Options.ChangeLimit)
		}
		d.Attributes = c.attributeChoices(r, s)
		d.AppFields = appFieldChoices(d.Endpoints, d.Form.Endpoints)
	}
	c.render(w, http.StatusOK, "sync", c.newPage(s, "sync", "Data sources & sync", d))
}

// rows returns indexes for n filled rows plus spare empty ones.
func rows(n, spare, min int) []int {
	total := max(n+spare, min)
	out := make([]int, total)
	for i := range out {
		out[i] = i
	}
	return out
}

// endpointChoices lists every integration's inbound endpoints with the
// fields known for them, for the form's pickers.
func (c *Console) endpointChoices(r *http.Request, s *session) []endpointChoice {
	cl := c.client(r, s)
	ins, err := cl.GetIntegrations(r.Context())
	if err != nil {
		return nil
	}
	var out []endpointChoice
	for _, in := range ins {
		eps, err := cl.GetIntegrationsIDInbound(r.Context(), in.ID)
		if err != nil {
			continue
		}
		for _, ep := range eps {
			ch := endpointChoice{IntegrationID: in.ID, EndpointID: ep.ID, Name: in.Name + ": " + ep.Name, Custom: ep.Custom}
			for _, f := range ep.Fields {
				ch.Fields = append(ch.Fields, fieldChoice{Value: f.Path, Sample: f.Sample})
			}
			out = append(out, ch)
		}
	}
	return out
}

// dataSourceForm is the name the data source editor's kept form carries,
// so the page draws what was typed only into that form.
const dataSourceForm = "datasource"

// dataSourceFromForm reads the editor's inputs. Rows are numbered like
// the API's lists ("mappings[2].attribute"); with keepEmpty every row is
// kept, as the editor draws them again, else rows left wholly empty are
// dropped and rowOf tells which form row each item sent came from.
func dataSourceFromForm(form url.Values, keepEmpty bool) (idsync.DataSource, map[string][]int) {
	f := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	var d idsync.DataSource
	d.ID, d.Name, d.Description, d.Category = f("id"), f("name"), f("description"), mapping.Category(f("category"))
	d.KeyFold = f("keyFold") == "on"
	rowOf := map[string][]int{}
	for i, row := range rowValues(form, "endpoints") {
		g := func(k string) string { return strings.TrimSpace(row.Get(k)) }
		ep := mapping.EndpointRef{Alias: g("alias"), PrimaryKey: g("primaryKey")}
		if v := g("endpoint"); v != "" {
			integ, id, _ := strings.Cut(v, "/")
			ep.IntegrationID = integ
			ep.EndpointID, ep.Custom = strings.CutPrefix(id, "custom:")
		}
		if !keepEmpty && ep == (mapping.EndpointRef{}) {
			continue
		}
		d.Endpoints = append(d.Endpoints, ep)
		rowOf["endpoints"] = append(rowOf["endpoints"], i)
	}
	d.Mappings = []mapping.Mapping{}
	for i, row := range rowValues(form, "mappings") {
		g := func(k string) string { return strings.TrimSpace(row.Get(k)) }
		field, given := parseRef(g("field"))
		m := mapping.Mapping{Field: field, Format: g("format"), Attribute: g("attribute"), ClearWhenMissing: g("clearWhenMissing") == "on"}
		if !keepEmpty && !given && m.Format == "" && m.Attribute == "" {
			continue
		}
		d.Mappings = append(d.Mappings, m)
		rowOf["mappings"] = append(rowOf["mappings"], i)
	}
	d.Match.Field, _ = parseRef(f("match.field"))
	d.Match.Format, d.Match.Attribute = f("match.format"), f("match.attribute")
	d.Match.CaseInsensitive = f("match.caseInsensitive") == "on"
	if n, err := strconv.Atoi(f("options.changeLimit")); err == nil {
		d.Options.ChangeLimit = n
	}
	if f("options.create.allowed") == "on" || f("options.create.ou") != "" || f("options.create.name") != "" {
		d.Options.Create = mapping.CreateOptions{Allowed: f("options.create.allowed") == "on", OU: f("options.create.ou"), Name: f("options.create.name")}
	}
	var vals []string
	for _, v := range strings.Split(f("options.active.values"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			vals = append(vals, v)
		}
	}
	if ref, given := parseRef(f("options.active.field")); given || (keepEmpty && len(vals) > 0) {
		d.Options.Active = &mapping.ActiveRule{Field: ref, Values: vals}
	}
	d.Scope.Base, d.Scope.Filter = f("scope.base"), f("scope.filter")
	roles := mapping.RoleRule{Table: f("roles.table"), TableSetting: f("roles.tableSetting"), Automation: f("roles.automation")}
	roles.Field, _ = parseRef(f("roles.field"))
	if roles != (mapping.RoleRule{}) {
		d.Roles = &roles
	}
	return d, rowOf
}

// saveDataSource builds the data source from the form and creates or
// replaces it; the API validates it against the endpoints' fields and the
// directory's schema, and each problem is drawn beside its input.
func (c *Console) saveDataSource(w http.ResponseWriter, r *http.Request, s *session) {
	back := "/sync#editor"
	if r.PostFormValue("editing") == "true" {
		back = "/sync?edit=" + url.QueryEscape(r.PostFormValue("id")) + "#editor"
	}
	if form, ok := rowEdit(r); ok {
		c.redraw(w, r, s, form, back)
		return
	}
	d, rowOf := dataSourceFromForm(r.PostForm, false)
	if v := strings.TrimSpace(r.PostFormValue("options.changeLimit")); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			c.done(w, r, s, answer{Status: http.StatusBadRequest, Code: "invalid_datasource", Err: "The change limit is not a number.",
				Fields: []api.FieldError{{Field: "options.changeLimit", Message: "a whole number, 0 or more (empty for no limit)"}}}, "", back)
			return
		}
	}
	var a answer
	if r.PostFormValue("editing") == "true" {
		_, a = typed(c.client(r, s).PutDatasourcesID(r.Context(), d.ID, d))
	} else {
		_, a = typed(c.client(r, s).PostDatasources(r.Context(), d))
	}
	if a.ok() {
		a.Body = nil // the list below shows it
		back = "/sync#datasources"
	}
	// Rows left empty were not sent: the API's item numbers are turned
	// back into the form's rows, so each problem lands on its input.
	a.Fields = toFormRows(a.Fields, rowOf)
	c.done(w, r, s, a, "Saved data source "+d.Name+". Preview its plan before applying it.", back)
}

// syncOutcome is a plan or an applied sync, carried to the page after
// the redirect.
type syncOutcome struct {
	Plan   *mapping.Plan
	PlanOf string
	ReadMS int64
	Result *idsync.Result
}

// planDataSource runs a dry run and redirects to the page that shows the
// plan by category.
func (c *Console) planDataSource(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	pv, a := typed(c.client(r, s).PostDatasourcesIDPlan(r.Context(), id))
	if !a.ok() {
		c.done(w, r, s, a, "", "/sync")
		return
	}
	c.sessions.setFlash(s, &flash{OK: true, Message: "The plan of " + id + ", computed now; nothing was written.",
		Outcome: &syncOutcome{Plan: pv.Plan, PlanOf: id, ReadMS: pv.ReadMS}})
	http.Redirect(w, r, "/sync#plan", http.StatusSeeOther)
}

// applyDataSource plans afresh and applies, then redirects to the page
// that shows the run's result: refreshing it does not apply again.
func (c *Console) applyDataSource(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	q := url.Values{}
	if r.PostFormValue("confirm") == "on" {
		q.Set("confirm", "true")
	}
	res, a := typed(c.client(r, s).PostDatasourcesIDApply(r.Context(), id, apiclient.Query(q)))
	if !a.ok() {
		c.done(w, r, s, a, "", "/sync")
		return
	}
	c.sessions.setFlash(s, &flash{OK: res.Status == "succeeded", Message: "Applied the plan of " + id + ": the run " + string(res.Status) + ".",
		Outcome: &syncOutcome{Result: &res, PlanOf: id, Plan: res.Plan}})
	http.Redirect(w, r, "/sync#result", http.StatusSeeOther)
}
