// Package metrics is the host's Prometheus instrumentation: one Registry
// per host (never the global one, so two hosts in a test process do not
// share counters), the collectors that read the host's state when
// scraped, and the hooks the API server and the engine call as work
// happens.
//
// State that already exists elsewhere (plugin states, queue depth by state,
// runs by status) is read at scrape time by collectors, so it cannot drift
// from the truth; events (API calls, rate-limit waits) are counted as they
// happen through the Registry's hook methods.
//
// /metrics is served by Handler. The host serves it without a token on a
// loopback listener and asks for an auditor token otherwise (decision
// 0131): the figures name integrations and routes, not secrets, but a host
// reachable from the network should not describe itself to anyone.
package metrics
