// Package app assembles the idbridge host and runs it until its context
// ends: the data folder, the masking logger, the SQLite store, the master
// key, the plugin supervisor, the API server with its persistent audit
// log, the domain services, the web console and the Prometheus metrics.
//
// New builds everything (see wire for the services, one Add line each, in
// dependency order); Run listens (over HTTPS when Options.TLS is set, from
// LoadTLS; decision 0160) and starts the services in order; when
// the context ends the listener closes, running calls finish, the services
// stop in reverse order (the watcher and the scheduler before the engine,
// whose in-flight actions stay leased in the durable queue for the next
// start), the plugins stop, and the store closes last (decision 0130).
//
// Add mounts a service's routes when it has a Routes method and runs its
// Start and Stop methods, if any, with the host:
//
//	a.Add(myService)
//
// A blocking Run(ctx) method is turned into a Starter and Stopper with
// newLoop, so background work stops before what it depends on.
package app
