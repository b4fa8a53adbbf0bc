package console

import (
	"net/http"
	"net/url"
	"time"
)

// watcherView is the API's view of the change watcher (GET /v1/watcher).
type watcherView struct {
	Running     bool      `json:"running"`
	Directory   string    `json:"directory"`
	Base        string    `json:"base"`
	Interval    string    `json:"interval"`
	Since       time.Time `json:"since"`
	Events      int       `json:"events"`
	LastEvent   time.Time `json:"last_event"`
	LastKind    string    `json:"last_kind"`
	LastObject  string    `json:"last_object"`
	LastError   string    `json:"last_error"`
	LastErrorAt time.Time `json:"last_error_at"`
}

// lastSync is a data source with its newest sync run.
type lastSync struct {
	DataSource dataSource
	Run        *runRecord
}

// Orphans is the number of app accounts without an active directory user
// the run reported.
func (l lastSync) Orphans() int {
	if l.Run == nil {
		return 0
	}
	return l.Run.Counts["orphans"]
}

// overviewData is the overview at "/": what needs the admin's attention,
// each with a link to where it is dealt with. A part whose service is not
// on this host is left out. See decision 0224.
type overviewData struct {
	Integrations []integrationView
	Syncs        []lastSync
	Waiting      []runRecord
	Failed       []runRecord
	Watcher      *watcherView
	Errs         []string
	HasRuns      bool
}

// overviewRuns is how many runs of each kind the overview lists.
const overviewRuns = 5

func (c *Console) overviewPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	var d overviewData
	get := func(path string, v any) bool {
		a := c.api.call(r.Context(), r, s.token, "GET", path, nil, "")
		if !a.ok() {
			d.Errs = append(d.Errs, a.Err)
			return false
		}
		return a.decode(v) == nil
	}
	if rt.has("GET", "/v1/integrations") {
		get("/v1/integrations", &d.Integrations)
	}
	if rt.has("GET", "/v1/datasources") && rt.has("GET", "/v1/datasources/{id}/runs") {
		var sources []dataSource
		get("/v1/datasources", &sources)
		for _, ds := range sources {
			l := lastSync{DataSource: ds}
			var runs []runRecord
			if get("/v1/datasources/"+url.PathEscape(ds.ID)+"/runs", &runs) && len(runs) > 0 {
				l.Run = &runs[0]
			}
			d.Syncs = append(d.Syncs, l)
		}
	}
	if d.HasRuns = rt.has("GET", "/v1/runs"); d.HasRuns {
		for status, into := range map[string]*[]runRecord{"waiting": &d.Waiting, "failed": &d.Failed} {
			var page struct {
				Runs []runRecord `json:"runs"`
			}
			if get("/v1/runs?status="+status, &page) {
				if len(page.Runs) > overviewRuns {
					page.Runs = page.Runs[:overviewRuns]
				}
				*into = page.Runs
			}
		}
	}
	if rt.has("GET", "/v1/watcher") {
		d.Watcher = &watcherView{}
		if !get("/v1/watcher", d.Watcher) {
			d.Watcher = nil
		}
	}
	c.render(w, http.StatusOK, "overview", c.newPage(s, "overview", "Overview", d))
}
