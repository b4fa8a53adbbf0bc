package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/macro"
)

// operation is one API route drawn as a form on a generic page.
type operation struct {
	// Key is "METHOD pattern", the route's handle in forms.
	Key     string
	Method  string
	Pattern string
	Summary string
	// Fields are the path wildcards to fill; Values those already known.
	Fields []string
	Values map[string]string
	// Body is an example JSON body, for routes that take one.
	Body string
	// HasBody is set for methods that carry a body.
	HasBody bool
	// MinRole is shown beside the form.
	MinRole string
}

// panel is the answer of one read, drawn on a page.
type panel struct {
	Summary string
	Path    string
	Value   any
	Err     string
}

// sectionData is a generic page.
type sectionData struct {
	Section section
	Reads   []panel
	// Lookups are reads that need a value (GET with wildcards).
	Lookups []operation
	// Actions are changes the signed-in role may make.
	Actions []operation
	// Hidden counts the actions above the role, which are not drawn.
	Hidden int
	// Macros and Functions feed the macro chooser beside body fields.
	Macros    []macro.MacroInfo
	Functions []macro.FuncInfo
	// Viewed is set on a view page: the read that was opened.
	Viewed *panel
}

func (c *Console) sectionOf(w http.ResponseWriter, r *http.Request, s *session) (section, []api.Route, bool) {
	sec, ok := sectionByKey(r.PathValue("section"))
	if !ok {
		c.refuse(w, r, s, http.StatusNotFound, "There is no such page.")
		return section{}, nil, false
	}
	routes := c.routeTable().section(sec)
	if len(routes) == 0 {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, sec.Key, sec.Label, strings.ToLower(sec.Label)))
		return sec, nil, false
	}
	return sec, routes, true
}

// sectionPage reads every list of the section and draws a form for every
// other operation the role allows.
func (c *Console) sectionPage(w http.ResponseWriter, r *http.Request, s *session) {
	sec, routes, ok := c.sectionOf(w, r, s)
	if !ok {
		return
	}
	d := c.operations(sec, routes, s.principal.Role, nil)
	for _, rt := range routes {
		if rt.Method != http.MethodGet || len(wildcards(rt.Pattern)) > 0 {
			continue
		}
		d.Reads = append(d.Reads, c.read(r, s, rt.Summary, rt.Pattern))
	}
	c.render(w, http.StatusOK, "section", c.newPage(s, sec.Key, sec.Label, d))
}

// sectionView opens a read that needs values (a run, an automation) and
// offers the operations on that object.
func (c *Console) sectionView(w http.ResponseWriter, r *http.Request, s *session) {
	sec, routes, ok := c.sectionOf(w, r, s)
	if !ok {
		return
	}
	rt, found := routeIn(routes, r.FormValue("route"))
	if !found || rt.Method != http.MethodGet {
		c.refuse(w, r, s, http.StatusNotFound, "That read is not part of this page; open it from the page's forms.")
		return
	}
	values := map[string]string{}
	for _, name := range wildcards(rt.Pattern) {
		values[name] = strings.TrimSpace(r.FormValue(name))
	}
	path, ok := fill(rt.Pattern, func(n string) string { return values[n] })
	if !ok {
		c.refuse(w, r, s, http.StatusBadRequest, "Fill in every field of the form.")
		return
	}
	d := c.operations(sec, routes, s.principal.Role, values)
	p := c.read(r, s, rt.Summary, path)
	d.Viewed = &p
	c.render(w, http.StatusOK, "section", c.newPage(s, sec.Key, sec.Label, d))
}

// sectionCall runs one change and shows its answer on the next page.
func (c *Console) sectionCall(w http.ResponseWriter, r *http.Request, s *session) {
	sec, routes, ok := c.sectionOf(w, r, s)
	if !ok {
		return
	}
	rt, found := routeIn(routes, r.PostFormValue("route"))
	if !found || rt.Method == http.MethodGet {
		c.refuse(w, r, s, http.StatusNotFound, "That operation is not part of this page.")
		return
	}
	path, ok := fill(rt.Pattern, func(n string) string { return strings.TrimSpace(r.PostFormValue("path." + n)) })
	if !ok {
		c.refuse(w, r, s, http.StatusBadRequest, "Fill in every field of the form.")
		return
	}
	if q := strings.TrimSpace(r.PostFormValue("query")); q != "" {
		if _, err := url.ParseQuery(q); err != nil {
			c.refuse(w, r, s, http.StatusBadRequest, "The options are not a valid query string (name=value&name=value).")
			return
		}
		path += "?" + q
	}
	body := strings.TrimSpace(r.PostFormValue("body"))
	var a answer
	if body == "" {
		a = c.api.raw(r.Context(), r, s.token, rt.Method, path, nil, "")
	} else {
		if !json.Valid([]byte(body)) {
			c.sessions.setFlash(s, &flash{OK: false, Message: "The body is not valid JSON; nothing was sent."})
			http.Redirect(w, r, backTo(r, "/s/"+sec.Key), http.StatusSeeOther)
			return
		}
		a = c.api.raw(r.Context(), r, s.token, rt.Method, path, bytes.NewReader([]byte(body)), "application/json")
	}
	c.show(w, r, s, a, rt.Summary+": done.", backTo(r, "/s/"+sec.Key))
}

// read runs one GET and keeps its answer for a panel.
func (c *Console) read(r *http.Request, s *session, summary, path string) panel {
	a := c.api.raw(r.Context(), r, s.token, http.MethodGet, path, nil, "")
	p := panel{Summary: summary, Path: path}
	if a.ok() {
		p.Value = a.value()
	} else {
		p.Err = a.Err
	}
	return p
}

// operations builds the forms of a section for role. With known values
// (a view page), only operations whose wildcards are all known are kept,
// prefilled, so the page offers what can be done to the object shown.
func (c *Console) operations(sec section, routes []api.Route, role api.Role, known map[string]string) sectionData {
	d := sectionData{Section: sec}
	for _, rt := range routes {
		fields := wildcards(rt.Pattern)
		if known != nil {
			all := len(fields) > 0
			for _, f := range fields {
				if known[f] == "" {
					all = false
				}
			}
			if !all {
				continue
			}
		}
		op := operation{Key: rt.Method + " " + rt.Pattern, Method: rt.Method, Pattern: rt.Pattern, Summary: rt.Summary,
			Fields: fields, Values: known, MinRole: rt.MinRole.String()}
		if rt.Method == http.MethodGet {
			if len(fields) > 0 && known == nil {
				d.Lookups = append(d.Lookups, op)
			}
			continue
		}
		if !role.Allows(rt.MinRole) {
			d.Hidden++
			continue
		}
		// Only routes that declare a request body get a body field; the
		// others (retry, enable, apply) take none.
		op.HasBody = rt.Request != nil
		if rt.Request != nil {
			if b, err := json.MarshalIndent(rt.Request, "", "  "); err == nil && string(b) != "null" {
				op.Body = string(b)
			}
		}
		d.Actions = append(d.Actions, op)
	}
	if len(d.Actions) > 0 && (sec.Key == "outbound" || sec.Key == "templates" || sec.Key == "automations" || sec.Key == "sync") {
		d.Macros, d.Functions = chooser()
	}
	return d
}

// routeIn finds the route named "METHOD pattern" among routes.
func routeIn(routes []api.Route, key string) (api.Route, bool) {
	method, pattern, ok := strings.Cut(key, " ")
	if !ok {
		return api.Route{}, false
	}
	for _, rt := range routes {
		if rt.Method == method && rt.Pattern == pattern {
			return rt, true
		}
	}
	return api.Route{}, false
}

// chooserAttributes are the AD attributes offered in the macro chooser;
// the macro checker accepts any attribute of the directory's schema, these
// are the ones admins reach for.
var chooserAttributes = []string{
	"cn", "company", "department", "displayName", "distinguishedName", "employeeID", "givenName",
	"mail", "manager", "memberOf", "mobile", "objectGUID", "physicalDeliveryOfficeName", "sAMAccountName",
	"sn", "telephoneNumber", "title", "userPrincipalName",
}

// chooser lists the macros and format functions of the macro chooser.
func chooser() ([]macro.MacroInfo, []macro.FuncInfo) {
	scope := macro.NewScope(macro.AD(chooserAttributes...), macro.Object())
	return macro.Available(scope), macro.Functions()
}
