package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/orchestration"
)

//go:embed templates/*.html static/*
var assets embed.FS

// renderer holds the parsed page templates: each page is parsed with the
// shared layout so that pages may define the same block names.
type renderer struct {
	pages map[string]*template.Template
}

func newRenderer() (*renderer, error) {
	funcs := template.FuncMap{
		"value":    renderValue,
		"pretty":   prettyJSON,
		"body":     prettyBody,
		"list":     func(s ...string) []string { return s },
		"exchange": exchange,
		"join":     strings.Join,
		// duration writes a template step's wait as the API does ("15m0s").
		"duration": func(d orchestration.Duration) string { return time.Duration(d).String() },
		// pick names a directory picker's target field and the kinds it
		// finds, for the "picker" template.
		"pick": func(target, kinds string) map[string]string {
			return map[string]string{"Target": target, "Kinds": kinds}
		},
		// fieldOf and rowsOf feed the shared "field" and "rows" form
		// templates: the typed value after a refusal, else def, and the
		// problem beside it (see decisions 0222 and 0228).
		"fieldOf": func(p *page, name, label, def string) formField {
			return formField{Name: name, Label: label, Value: p.Kept(name, def), Err: p.FieldError(name), Format: name == "url"}
		},
		"rowsOf": func(p *page, list, label string, rows []kv) formRowsView {
			v := formRowsView{List: list, Label: label, Err: p.FieldError(list)}
			for i, r := range rows {
				v.Rows = append(v.Rows, formRow{kv: r, Err: p.FieldError(list + "[" + strconv.Itoa(i) + "]")})
			}
			return v
		},
		// invalid and problem mark an input whose field the API refused
		// and draw the problem beside it, for inputs drawn by hand rather
		// than by the "field" template. id is the input's id.
		"invalid": func(p *page, name, id string) template.HTMLAttr {
			if p.FieldError(name) == "" {
				return ""
			}
			return template.HTMLAttr(`aria-invalid="true" aria-describedby="error-` + html.EscapeString(id) + `"`) //nolint:gosec // id is escaped
		},
		"problem": func(p *page, name, id string) template.HTML {
			msg := p.FieldError(name)
			if msg == "" {
				return ""
			}
			return template.HTML(`<span class="field-error" id="error-` + html.EscapeString(id) + `">` + html.EscapeString(msg) + `</span>`) //nolint:gosec // both escaped
		},
		// num draws a count, leaving 0 (unset) empty.
		"num": func(n int) string {
			if n == 0 {
				return ""
			}
			return strconv.Itoa(n)
		},
		// words takes a directory server's result codes out of an error
		// a page shows (see decision 0271).
		"words": withoutResultCodes,
		// inc counts rows from 1, as labels and problems name them.
		"inc":   func(i int) int { return i + 1 },
		"path":  url.PathEscape,
		"query": url.QueryEscape,
		// index0 is index that yields the zero value past the end, so a
		// form can pad a table with empty rows.
		"index0": func(list any, i int) any { return indexOrZero(list, i) },
		"endpointValue": func(integ, ep string, custom bool) string {
			if integ == "" {
				return ""
			}
			if custom {
				return integ + "/custom:" + ep
			}
			return integ + "/" + ep
		},
	}
	names, err := assets.ReadDir("templates")
	if err != nil {
		return nil, fmt.Errorf("console: read templates: %w", err)
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := n.Name()
		if name == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("console: parse %s: %w", name, err)
		}
		r.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return r, nil
}

// navItem is one entry of the navigation bar.
type navItem struct {
	Key, Label, Href string
	// Available is false when the host has no route for the section yet.
	Available bool
}

// page is what every template receives.
type page struct {
	Title  string
	Active string
	User   api.Principal
	CSRF   string
	Nav    []navItem
	Flash  *flash
	// Admin and Operator say which controls to draw; the API decides
	// anyway.
	Admin, Operator bool
	// Data is the page's own content.
	Data any
}

// newPage fills the common parts of a page for session s.
func (c *Console) newPage(s *session, active, title string, data any) *page {
	p := &page{Title: title, Active: active, Data: data}
	if s != nil {
		p.User, p.CSRF = s.principal, s.csrf
		p.Admin = s.principal.Role.Allows(api.RoleAdmin)
		p.Operator = s.principal.Role.Allows(api.RoleOperator)
		p.Flash = c.sessions.takeFlash(s)
		p.Nav = c.nav()
	}
	return p
}

// nav lists the sections, marking those whose service is not wired.
func (c *Console) nav() []navItem {
	rt := c.routeTable()
	items := []navItem{
		{Key: "overview", Label: "Overview", Href: "/", Available: true},
		{Key: "extensions", Label: "Marketplace", Href: "/extensions", Available: rt.has(apiclient.RouteGetExtensions)},
		{Key: "integrations", Label: "Integrations", Href: "/integrations", Available: rt.has(apiclient.RouteGetIntegrations)},
		{Key: "inbound", Label: "Inbound", Href: "/inbound", Available: rt.has(apiclient.RouteGetIntegrationsIDInbound)},
	}
	for _, sec := range sections {
		it := navItem{Key: sec.Key, Label: sec.Label, Href: "/s/" + sec.Key, Available: len(rt.section(sec)) > 0}
		if sec.Key == "sync" && rt.has(apiclient.RouteGetDatasources) {
			it.Href = "/sync" // the dedicated page, with the form and the plan by category
		}
		if sec.Key == "audit" && rt.has(apiclient.RouteGetAudit) {
			it.Href = "/audit" // one line per change, before and after folded
		}
		if sec.Key == "templates" && rt.has(apiclient.RouteGetTemplates) {
			it.Href = "/templates" // the steps table and the editor with the macro chooser
		}
		if sec.Key == "automations" && rt.has(apiclient.RouteGetAutomations) {
			it.Href = "/automations" // the form, the toggle and apply now
		}
		if sec.Key == "tokens" && rt.has(apiclient.RouteGetTokens) {
			it.Href = "/tokens" // create (the secret shown once), list, revoke
		}
		if sec.Key == "runs" && rt.has(apiclient.RouteGetRuns) {
			it.Href = "/runs" // per run and per object, each step's request and response
		}
		if sec.Key == "outbound" && rt.has(apiclient.RouteGetIntegrationsIntegrationWebhooks) {
			it.Href = "/outbound" // per integration, with the test form and the macro chooser
		}
		items = append(items, it)
	}
	return items
}

// render writes a page with status.
func (c *Console) render(w http.ResponseWriter, status int, name string, p *page) {
	t, ok := c.pages.pages[name]
	if !ok {
		http.Error(w, "console page "+name+" is missing", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		c.log.Error("console page failed", "page", name, "error", err)
		http.Error(w, "the page could not be drawn; the host log has the details", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// refuse answers with an error page and status: a refused change, an
// expired session, a forbidden operation.
func (c *Console) refuse(w http.ResponseWriter, _ *http.Request, s *session, status int, msg string) {
	p := c.newPage(s, "", http.StatusText(status), struct {
		Status  int
		Message string
	}{status, msg})
	c.render(w, status, "error", p)
}

// done finishes a change: it remembers the API's answer for the next page
// and sends the browser there (post/redirect/get). A refusal by the API's
// roles (403) is answered 403 on the spot, so a forbidden change never
// looks like a success.
func (c *Console) done(w http.ResponseWriter, r *http.Request, s *session, a answer, success, back string) {
	c.finish(w, r, s, a, success, back, true)
}

// show is done for changes whose answer is the point (a test, a plan): it
// is shown unfolded.
func (c *Console) show(w http.ResponseWriter, r *http.Request, s *session, a answer, success, back string) {
	c.finish(w, r, s, a, success, back, false)
}

func (c *Console) finish(w http.ResponseWriter, r *http.Request, s *session, a answer, success, back string, collapse bool) {
	switch {
	case a.Status == http.StatusForbidden:
		c.refuse(w, r, s, http.StatusForbidden, a.Err)
		return
	case a.Status == http.StatusUnauthorized:
		c.sessions.end(s.id)
		c.refuse(w, r, nil, http.StatusUnauthorized, "The API no longer accepts your token (it may have been revoked). Sign in again.")
		return
	case a.ok():
		c.sessions.setFlash(s, &flash{OK: true, Message: success, Detail: a.value(), Collapse: collapse})
	default:
		c.sessions.setFlash(s, refusal(r, a))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// errorDetail keeps what a failed answer carries besides its message (a
// test's request and response, for instance).
func errorDetail(a answer) any {
	var v map[string]any
	if json.Unmarshal(a.Body, &v) != nil {
		return nil
	}
	delete(v, "error")
	if len(v) == 0 {
		return nil
	}
	return v
}

// prettyBody indents a response body when it is JSON, and leaves it as
// sent otherwise.
func prettyBody(s string) string {
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(s), "", "  ") == nil {
		return buf.String()
	}
	return s
}

// prettyJSON indents a value for <pre> blocks.
func prettyJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// indexOrZero returns list[i], or the zero value of the element type when
// i is past the end.
func indexOrZero(list any, i int) any {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice {
		return nil
	}
	if i < v.Len() {
		return v.Index(i).Interface()
	}
	return reflect.Zero(v.Type().Elem()).Interface()
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// formField is one text input of a form with its problem.
type formField struct {
	Name, Label, Value, Err string
	// Format marks inputs that take macros, for the macro chooser.
	Format bool
}

// formRowsView is a name/value list (headers, parameters) drawn as rows
// of inputs, each with its problem beside it; Err is a problem with the
// whole list.
type formRowsView struct {
	List, Label string
	Rows        []formRow
	Err         string
}

// formRow is one row of a name/value list and its problem, named by the
// row's number ("Header 2 value: ...").
type formRow struct {
	kv
	Err string
}
