package app

import (
	"context"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/idbridge/idbridge/host/cluster"
	"github.com/idbridge/idbridge/host/metrics"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// clusterStore is a store shared by several hosts: it keeps leases and
// the rate budget itself.
type clusterStore interface {
	store.Leases
	store.RateBudget
}

// shared reports whether the store is shared with other hosts, and its
// leases and budget; a store that is not gets leases in memory, which this
// host alone always holds.
func (a *App) shared() (clusterStore, bool) {
	if c, ok := a.Store.(clusterStore); ok {
		return c, true
	}
	return a.local, false
}

// holderID names this host in leases: the machine and the data folder,
// which one process at a time owns (decision 0164), so a host restarted
// on the same folder takes back its own leases at once.
func (a *App) holderID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "host"
	}
	return host + ":" + a.DataDir
}

// singleton wraps work that one host of the store at a time may run in a
// lease named name, and remembers it for /readyz and /metrics.
func (a *App) singleton(name string, log hclog.Logger, work func(ctx context.Context) error) *loop {
	leases, _ := a.shared()
	s := &cluster.Singleton{Name: name, Holder: a.holderID(), Leases: leases, Work: work, Logger: log.Named("lease")}
	a.singletons = append(a.singletons, s)
	return newLoop(name+" (lease)", log, s.Run)
}

// readyInfo tells /readyz which store the host runs on and which leases it
// holds; holder names stay out, since /readyz needs no token.
func (a *App) readyInfo(context.Context) map[string]any {
	kind := "memory"
	switch a.Store.(type) {
	case *sqlite.Store:
		kind = "sqlite"
	case clusterStore:
		kind = "postgres"
	}
	leases := map[string]string{}
	for _, s := range a.singletons {
		l, err := s.Last()
		switch {
		case s.Held():
			leases[s.Name] = "held here"
		case err != nil:
			leases[s.Name] = "unknown: the store does not answer"
		case l.Holder != "" && l.Until.After(time.Now()):
			leases[s.Name] = "held by another host"
		default:
			leases[s.Name] = "free"
		}
	}
	return map[string]any{"store": kind, "leases": leases}
}

var (
	leaseHeldDesc = prometheus.NewDesc(metrics.Namespace+"_lease_held",
		"1 when this host holds the lease (runs the watcher, the schedules...), 0 when another host does.",
		[]string{"lease"}, nil)
	leaseTakeoversDesc = prometheus.NewDesc(metrics.Namespace+"_lease_takeovers_total",
		"Times the lease passed from one host to another (failovers and hand-overs), over the store's life.",
		[]string{"lease"}, nil)
	leaseAcquiredDesc = prometheus.NewDesc(metrics.Namespace+"_lease_acquisitions_total",
		"Times this host took the lease since it started.",
		[]string{"lease"}, nil)
)

var heldDesc = prometheus.NewDesc(metrics.Namespace+"_queue_held_by_host",
	"Queued actions this host's workers hold now, by state (claimed, sending): its share of the shared queue.",
	[]string{"state"}, nil)

// heldCollector exports this host's share of the queue.
type heldCollector struct{ a *App }

func (c heldCollector) Describe(ch chan<- *prometheus.Desc) { ch <- heldDesc }

func (c heldCollector) Collect(ch chan<- prometheus.Metric) {
	eng := c.a.Services.Engine
	if eng == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts := map[store.ActionState]int{store.ActionClaimed: 0, store.ActionSending: 0}
	page := store.Page{Limit: store.MaxPageSize}
	for {
		as, next, err := c.a.Store.Queue().List(ctx, store.ActionFilter{Worker: eng.Worker(), Page: page})
		if err != nil {
			return // the scrape shows no value rather than a wrong one
		}
		for _, a := range as {
			counts[a.State]++
		}
		if next == "" {
			break
		}
		page.After = next
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(heldDesc, prometheus.GaugeValue, float64(n), string(state))
	}
}

// leaseCollector exports the singletons' leases.
type leaseCollector struct{ a *App }

func (c leaseCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- leaseHeldDesc
	ch <- leaseTakeoversDesc
	ch <- leaseAcquiredDesc
}

func (c leaseCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.a.singletons {
		held := 0.0
		if s.Held() {
			held = 1
		}
		l, _ := s.Last()
		ch <- prometheus.MustNewConstMetric(leaseHeldDesc, prometheus.GaugeValue, held, s.Name)
		ch <- prometheus.MustNewConstMetric(leaseTakeoversDesc, prometheus.CounterValue, float64(l.Takeovers), s.Name)
		ch <- prometheus.MustNewConstMetric(leaseAcquiredDesc, prometheus.CounterValue, float64(s.Acquisitions()), s.Name)
	}
}
