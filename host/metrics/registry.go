package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric the host exports.
const Namespace = "idbridge"

// Registry holds the host's metrics. Its hook methods are safe for
// concurrent use and cheap enough to call on every request.
type Registry struct {
	reg *prometheus.Registry

	apiLatency *prometheus.HistogramVec
	rateWaits  *prometheus.HistogramVec
}

// New returns a registry with the Go runtime and process collectors and
// the host's event metrics. Add state collectors with Register.
func New() *Registry {
	r := &Registry{reg: prometheus.NewRegistry()}
	r.apiLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "api", Name: "request_duration_seconds",
		Help:    "Time to answer an API call, by method, route pattern and status.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route", "status"})
	r.rateWaits = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "ratelimit", Name: "wait_seconds",
		Help:    "Time a call waited for its integration's rate limit before being sent, by lane.",
		Buckets: []float64{0, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"lane"})
	r.reg.MustRegister(r.apiLatency, r.rateWaits,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Register adds collectors, such as those of this package built over the
// host's services.
func (r *Registry) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := r.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// ObserveAPI records one API call; route is the pattern ("/v1/runs/{id}"),
// never the path, so the number of series stays bounded.
func (r *Registry) ObserveAPI(method, route string, status int, d time.Duration) {
	r.apiLatency.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// ObserveRateWait records how long a call waited for its lane's rate
// limit; the engine or a connector's host side calls it.
func (r *Registry) ObserveRateWait(lane string, d time.Duration) {
	r.rateWaits.WithLabelValues(lane).Observe(d.Seconds())
}

// Handler serves the registry in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg})
}

// Gatherer exposes the registry to tests and to other exporters.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.reg }
