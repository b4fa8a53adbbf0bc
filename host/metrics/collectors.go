package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/store"
)

// scrapeTimeout bounds the store reads of one scrape, so a busy store
// slows /metrics down instead of piling up scrapes.
const scrapeTimeout = 5 * time.Second

// PluginStatuses is the part of the plugin supervisor the plugin collector
// reads.
type PluginStatuses interface {
	Statuses() []pluginhost.Status
}

var (
	pluginStateDesc = prometheus.NewDesc(Namespace+"_plugin_state",
		"1 for the state each supervised connector plugin is in, 0 for the others.",
		[]string{"id", "name", "state"}, nil)
	pluginRestartsDesc = prometheus.NewDesc(Namespace+"_plugin_restarts_total",
		"Launches of a connector plugin after its first, since the host started.",
		[]string{"id", "name"}, nil)
	pluginFailuresDesc = prometheus.NewDesc(Namespace+"_plugin_consecutive_failures",
		"Consecutive crashes or failed launches of a connector plugin.",
		[]string{"id", "name"}, nil)
)

// pluginStates lists every state so each plugin exports a full one-hot set
// and alerts can match state="crash-loop" == 1.
var pluginStates = []pluginhost.State{pluginhost.StateStopped, pluginhost.StateRunning,
	pluginhost.StateCrashed, pluginhost.StateCrashLoop, pluginhost.StateRefused, pluginhost.StateRemoved}

type pluginCollector struct{ s PluginStatuses }

// Plugins returns a collector of the supervisor's plugin states, restarts
// and failure counts, read at scrape time.
func Plugins(s PluginStatuses) prometheus.Collector { return pluginCollector{s} }

func (c pluginCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- pluginStateDesc
	ch <- pluginRestartsDesc
	ch <- pluginFailuresDesc
}

func (c pluginCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.s.Statuses() {
		for _, s := range pluginStates {
			v := 0.0
			if st.State == s {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(pluginStateDesc, prometheus.GaugeValue, v, st.ID, st.Name, s.String())
		}
		ch <- prometheus.MustNewConstMetric(pluginRestartsDesc, prometheus.CounterValue, float64(st.Restarts), st.ID, st.Name)
		ch <- prometheus.MustNewConstMetric(pluginFailuresDesc, prometheus.GaugeValue, float64(st.Failures), st.ID, st.Name)
	}
}

var queueDesc = prometheus.NewDesc(Namespace+"_queue_actions",
	"Actions in the durable work queue by state (pending, claimed, sending, done, dead).",
	[]string{"state"}, nil)

type queueCollector struct{ q store.Queue }

// Queue returns a collector of the work queue's depth by state.
func Queue(q store.Queue) prometheus.Collector { return queueCollector{q} }

func (c queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc }

func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := c.q.Counts(ctx, "")
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n), string(state))
	}
}

var runsDesc = prometheus.NewDesc(Namespace+"_runs",
	"Recorded runs by status (succeeded, partial, failed, canceled, running, waiting), counted up to the scan cap.",
	[]string{"status"}, nil)

// runStatuses are the statuses exported, each even when zero.
var runStatuses = []store.RunStatus{store.RunRunning, store.RunWaiting, store.RunSucceeded,
	store.RunPartial, store.RunFailed, store.RunCanceled}

// maxRunPages caps how many pages of runs one scrape reads per status; a
// host with more runs reports the cap, which still shows the trend.
const maxRunPages = 20

type runsCollector struct{ r store.Runs }

// Runs returns a collector of run outcomes: how many recorded runs are in
// each status. Runs are counted from the store at scrape time, so the
// figure survives restarts.
func Runs(r store.Runs) prometheus.Collector { return runsCollector{r} }

func (c runsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- runsDesc }

func (c runsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, status := range runStatuses {
		n, err := countRuns(ctx, c.r, status)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(runsDesc, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.GaugeValue, float64(n), string(status))
	}
}

func countRuns(ctx context.Context, r store.Runs, status store.RunStatus) (int, error) {
	n, after := 0, ""
	for range maxRunPages {
		runs, next, err := r.List(ctx, store.RunFilter{Status: status, Page: store.Page{Limit: store.MaxPageSize, After: after}})
		if err != nil {
			return 0, err
		}
		n += len(runs)
		if next == "" {
			break
		}
		after = next
	}
	return n, nil
}
