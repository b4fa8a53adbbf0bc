package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/store"
)

// The run pages hold the API's own types (store.Run, store.RunEntry and
// orchestration.RunView), read through the typed client (decision 0281).

// runEntry is one step of a run as the page draws it.
type runEntry struct {
	store.RunEntry
	// Branch marks a failed step after which the object went on: its
	// failure branch was taken by design (a lookup that found nothing
	// leads to "add"), so it is drawn as a branch, not as a failure.
	Branch bool
}

// objectSteps are one object's entries in a run.
type objectSteps struct {
	ObjectID, Object string
	Failed           bool
	Steps            []runEntry
}

// runsData is the runs list or one run.
type runsData struct {
	Runs []store.Run
	Next string
	Err  string
	Run  *orchestration.RunView
	// Summarized is set for an orchestration run, whose Run.Summary
	// counts its objects; a sync run has none.
	Summarized bool
	Objects    []objectSteps
	// Can* follow the route table and the role.
	CanRetry, CanCancel, CanApprove bool
}

// addEntries groups a page of a run's entries by object, in order.
// byObject indexes d.Objects across pages.
func (d *runsData) addEntries(byObject map[string]int, entries []store.RunEntry) {
	for _, entry := range entries {
		e := runEntry{RunEntry: entry}
		// Reported app accounts have no directory id: their name tells
		// them apart.
		key := e.ObjectID + "\x00" + e.Object
		i, ok := byObject[key]
		if !ok {
			i = len(d.Objects)
			byObject[key] = i
			d.Objects = append(d.Objects, objectSteps{ObjectID: e.ObjectID, Object: e.Object})
		}
		if steps := d.Objects[i].Steps; len(steps) > 0 && steps[len(steps)-1].Outcome == "failed" {
			steps[len(steps)-1].Branch = true
		}
		d.Objects[i].Steps = append(d.Objects[i].Steps, e)
		// A failed step followed by others took its failure branch;
		// the object failed only if its last step did.
		d.Objects[i].Failed = e.Outcome == "failed" || e.Outcome == "unknown"
	}
}

// syncRunPage shows one sync run of a data source, per object, as a
// template's run is shown.
func (c *Console) syncRunPage(w http.ResponseWriter, r *http.Request, s *session) {
	id, run := r.PathValue("id"), r.PathValue("run")
	d := runsData{Run: &orchestration.RunView{}}
	byObject := map[string]int{}
	after := ""
	for page := 0; page < 50; page++ { // at most 50 pages of entries on one page
		q := url.Values{}
		if after != "" {
			q.Set("after", after)
		}
		v, a := typed(c.client(r, s).GetDatasourcesIDRunsRun(r.Context(), id, run, apiclient.Query(q)))
		if !a.ok() {
			if page == 0 {
				c.refuse(w, r, s, a.Status, a.Err)
				return
			}
			d.Err = a.Err
			break
		}
		d.Run.Run = v.Run
		d.addEntries(byObject, v.Entries)
		if after = v.Next; after == "" {
			break
		}
	}
	c.render(w, http.StatusOK, "run", c.newPage(s, "sync", "Sync run "+run, d))
}

// HasFailures reports whether any object of the run failed, by the run's
// summary or by its steps: "Retry failed steps" is offered only then.
func (d runsData) HasFailures() bool {
	if d.Run != nil && d.Run.Summary.Failed > 0 {
		return true
	}
	for _, o := range d.Objects {
		if o.Failed {
			return true
		}
	}
	return false
}

func (c *Console) runsPage(w http.ResponseWriter, r *http.Request, s *session) {
	if !c.routeTable().has(apiclient.RouteGetRuns) {
		http.Redirect(w, r, "/s/runs", http.StatusSeeOther)
		return
	}
	q := url.Values{}
	for _, k := range []string{"status", "automation", "after"} {
		if v := r.FormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	var d runsData
	if page, a := typed(c.client(r, s).GetRuns(r.Context(), apiclient.Query(q))); a.ok() {
		d.Runs, d.Next = page.Runs, page.Next
	} else {
		d.Err = a.Err
	}
	c.render(w, http.StatusOK, "runs", c.newPage(s, "runs", "Runs", d))
}

// runPage shows one run: its tallies, then per object each step's request
// and response, with retry, cancel and approve where the role allows.
func (c *Console) runPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	id := r.PathValue("id")
	cl := c.client(r, s)
	run, a := typed(cl.GetRunsID(r.Context(), id))
	if !a.ok() {
		c.refuse(w, r, s, a.Status, a.Err)
		return
	}
	role := s.principal.Role
	d := runsData{Run: &run, Summarized: true,
		CanRetry:   rt.allows(role, apiclient.RoutePostRunsIDRetry),
		CanCancel:  rt.allows(role, apiclient.RoutePostRunsIDCancel),
		CanApprove: rt.allows(role, apiclient.RoutePostRunsIDApprove),
	}
	byObject := map[string]int{}
	after := ""
	for range 50 { // at most 50 pages of entries on one page
		q := url.Values{}
		if after != "" {
			q.Set("after", after)
		}
		page, ea := typed(cl.GetRunsIDEntries(r.Context(), id, apiclient.Query(q)))
		if !ea.ok() {
			d.Err = ea.Err
			break
		}
		d.addEntries(byObject, page.Entries)
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	c.render(w, http.StatusOK, "run", c.newPage(s, "runs", "Run "+id, d))
}

// runAction retries (the run, or one object with ?object=), cancels or
// approves a run.
func (c *Console) runAction(w http.ResponseWriter, r *http.Request, s *session) {
	id, op := r.PathValue("id"), r.PathValue("op")
	actions := map[string]struct {
		route apiclient.Route
		msg   string
	}{
		"retry":   {apiclient.RoutePostRunsIDRetry, "Queued the failed steps again."},
		"cancel":  {apiclient.RoutePostRunsIDCancel, "Canceled the run."},
		"approve": {apiclient.RoutePostRunsIDApprove, "Approved the run."},
	}
	act, ok := actions[op]
	if !ok {
		c.refuse(w, r, s, http.StatusNotFound, "There is no such run action.")
		return
	}
	msg := act.msg
	q := url.Values{}
	if obj := r.PostFormValue("object"); obj != "" && op == "retry" {
		q.Set("object", obj)
	}
	a := c.api.call(r.Context(), r, s.token, act.route, []string{id}, nil, apiclient.Query(q))
	c.done(w, r, s, a, msg, "/runs/"+url.PathEscape(id))
}

// exchange renders a recorded request or response (masked JSON) readably.
func exchange(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var v struct {
		Method  string `json:"method"`
		URL     string `json:"url"`
		Status  int    `json:"status"`
		Headers []kv   `json:"headers"`
		Body    string `json:"body"`
	}
	if json.Unmarshal(raw, &v) != nil || (v.Method == "" && v.Status == 0) {
		var buf bytes.Buffer
		if json.Indent(&buf, raw, "", "  ") == nil {
			return buf.String()
		}
		return string(raw)
	}
	var b bytes.Buffer
	if v.Method != "" {
		b.WriteString(v.Method + " " + v.URL + "\n")
	} else {
		b.WriteString(http.StatusText(v.Status) + " (" + itoa(v.Status) + ")\n")
	}
	for _, h := range v.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\n")
	}
	if v.Body != "" {
		b.WriteString("\n" + prettyBody(v.Body))
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
