// Package app assembles the idbridge host: the data folder, the logger, the
// store, the plugin supervisor, the API server and the domain services, and
// runs them until its context ends.
//
// Adding a service is one line in New:
//
//	a.Add(extensions.NewService(a.Docs, a.Plugins, a.Log))
//
// Add mounts the service's routes when it has a Routes method and runs its
// Start and Stop methods, if any, with the host.
package app
