package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/apiclient"
)

// auditRow is one audit entry (api.AuditView, read through the typed
// client) as the page shows it.
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
	page, a := typed(c.client(r, s).GetAudit(r.Context(), apiclient.Query(d.Query)))
	if !a.ok() {
		d.Err = a.Err
		c.render(w, http.StatusOK, "audit", c.newPage(s, "audit", "Audit log", d))
		return
	}
	d.Next = page.Next
	for _, e := range page.Entries {
		row := auditRow{
			When:    e.At.Format(time.DateTime),
			Actor:   e.Actor,
			Action:  e.Action,
			Target:  e.Target,
			Outcome: e.Outcome,
			Before:  jsonValue(e.Before), After: jsonValue(e.After),
		}
		row.What = describeAction(rt, row.Action)
		row.Failed = row.Outcome != "ok" && !strings.HasPrefix(row.Outcome, "2")
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
