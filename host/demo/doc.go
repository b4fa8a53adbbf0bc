// Package demo runs the product end to end on the embedded default, the
// way an admin would on a fresh machine: `idbridge demo` (and `make demo`).
//
// It starts, as child processes, the Clockify sandbox seeded with accounts
// that match the embedded demo directory's people (some of them stale), a
// local marketplace serving the signed extension from dist/, and the real
// `idbridge serve` on a fresh data folder with the embedded demo
// directory. Then, only through the REST API with the admin token, it
// adds the catalog, installs the Clockify extension by name, creates and
// enables the integration, test-and-saves the List Users endpoint, creates
// a data source and runs a dry-run plan, installs the lifecycle templates
// and two automations, onboards users with apply-now and offboards others
// by disabling them in the directory, where the host's watcher sees the
// change. Every outcome is checked against the sandbox's own state before
// the report calls it done.
//
// Nothing is faked in the host: the demo is a client like any other, so a
// report that says "ok" means the product did the work.
package demo
