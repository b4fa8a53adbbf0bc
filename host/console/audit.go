package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/apiclient"
)

// auditRow is one audit entry as the page shows it. The audit log's JSON
// is read loosely (either the store's field names or the API entry's), so
// the page keeps working whichever shape the host serves.
type auditRow struct {
	When, Actor, Action, Target, Outcome string
	// What is the change in words: the summary the route declares.
	What          string
	Failed        bool
	Before, After any
}

// auditData is the audit log page.
type auditData struct {
	Rows  []auditRow
	Next  string
	Err   string
	Query url.Values
}

// pick returns the first of keys present in m, compared without case.
func pick(m map[string]any, keys ...string) any {
	for _, k := range keys {
		for mk, v := range m {
			if strings.EqualFold(mk, k) && v != nil {
				return v
			}
		}
	}
	return nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetAudit) {
		http.Redirect(w, r, "/s/audit", http.StatusSeeOther)
		return
	}
	d := auditData{Query: url.Values{}}
	for _, k := range []string{"actor", "action", "target", "after"} {
		if v := r.FormValue(k); v != "" {
			d.Query.Set(k, v)
		}
	}
	a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetAudit, nil, nil, apiclient.Query(d.Query))
	if !a.ok() {
		d.Err = a.Err
		c.render(w, http.StatusOK, "audit", c.newPage(s, "audit", "Audit log", d))
		return
	}
	var entries []any
	switch v := a.value().(type) {
	case []any:
		entries = v
	case map[string]any: // a page: {"entries": [...], "next": "..."}
		if l, ok := pick(v, "entries", "items").([]any); ok {
			entries = l
		}
		d.Next = str(pick(v, "next"))
	}
	for _, e := range entries {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		row := auditRow{
			When:    str(pick(m, "At", "time")),
			Actor:   str(pick(m, "Actor")),
			Action:  str(pick(m, "Action")),
			Target:  str(pick(m, "Target", "path")),
			Outcome: str(pick(m, "Outcome", "status")),
			Before:  pick(m, "Before"), After: pick(m, "After"),
		}
		if row.Action == "" {
			row.Action = strings.TrimSpace(str(pick(m, "method")) + " " + str(pick(m, "route")))
		}
		if e := str(pick(m, "error")); e != "" {
			row.Outcome += " " + e
		}
		row.What = describeAction(rt, row.Action)
		row.Failed = row.Outcome != "ok" && !strings.HasPrefix(row.Outcome, "2")
		if len(row.When) > 19 {
			row.When = strings.Replace(row.When[:19], "T", " ", 1)
		}
		d.Rows = append(d.Rows, row)
	}
	c.render(w, http.StatusOK, "audit", c.newPage(s, "audit", "Audit log", d))
}

// describeAction says an audited "METHOD /v1/pattern" in words: the
// summary its route declares, up to the first ";" (the rest explains
// the route to API clients).
func describeAction(rt routeTable, action string) string {
	method, pattern, ok := strings.Cut(action, " ")
	if !ok {
		return ""
	}
	r, found := rt.find(method, pattern)
	if !found || r.Summary == "" {
		return ""
	}
	what, _, _ := strings.Cut(r.Summary, ";")
	return strings.TrimSpace(what)
}
