package console

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/store"
	idsync "github.com/idbridge/idbridge/host/sync"
)

// lastSync is a data source with its newest sync run.
type lastSync struct {
	DataSource idsync.DataSource
	Run        *store.Run
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
	Waiting      []store.Run
	Failed       []store.Run
	Watcher      *watcherCard
	Errs         []string
	HasRuns      bool
}

// overviewRuns is how many runs of each kind the overview lists.
const overviewRuns = 5

func (c *Console) overviewPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	var d overviewData
	cl := c.client(r, s)
	if rt.has(apiclient.RouteGetIntegrations) {
		if list, a := typed(cl.GetIntegrations(r.Context())); a.ok() {
			d.Integrations = integrationViews(list)
		} else {
			d.Errs = append(d.Errs, a.Err)
		}
	}
	if rt.has(apiclient.RouteGetDatasources) && rt.has(apiclient.RouteGetDatasourcesIDRuns) {
		sources, a := typed(cl.GetDatasources(r.Context()))
		if !a.ok() {
			d.Errs = append(d.Errs, a.Err)
		}
		for _, ds := range sources {
			l := lastSync{DataSource: ds}
			runs, a := typed(cl.GetDatasourcesIDRuns(r.Context(), ds.ID, apiclient.Query(url.Values{"limit": {"1"}})))
			if !a.ok() {
				d.Errs = append(d.Errs, a.Err)
			} else if len(runs) > 0 {
				l.Run = &runs[0]
			}
			d.Syncs = append(d.Syncs, l)
		}
	}
	if d.HasRuns = rt.has(apiclient.RouteGetRuns); d.HasRuns {
		for status, into := range map[string]*[]store.Run{"waiting": &d.Waiting, "failed": &d.Failed} {
			// Ask for only the runs listed, not a whole default page.
			q := url.Values{"status": {status}, "limit": {strconv.Itoa(overviewRuns)}}
			page, a := typed(cl.GetRuns(r.Context(), apiclient.Query(q)))
			if !a.ok() {
				d.Errs = append(d.Errs, a.Err)
			} else {
				*into = page.Runs
			}
		}
	}
	if rt.has(apiclient.RouteGetWatcher) {
		if st, a := typed(cl.GetWatcher(r.Context())); a.ok() {
			d.Watcher = &watcherCard{Status: st, now: time.Now()}
		} else {
			d.Errs = append(d.Errs, a.Err)
		}
	}
	c.render(w, http.StatusOK, "overview", c.newPage(s, "overview", "Overview", d))
}
