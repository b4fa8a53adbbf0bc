// Package cluster lets several hosts work on one shared store as one
// product. Work that only one host may do at a time (watching the
// directory, running schedules, pruning journals) runs under a Singleton,
// which holds a named lease in the store and hands the work to another host
// when the holder dies. Outbound calls keep to one rate budget per
// integration across hosts through Budget.
//
// On a store that is never shared (SQLite in a data folder) the same code
// runs on store.MemoryCluster: the lone host always holds every lease and
// owns the whole budget.
//
// Queued actions need nothing from this package: every host's engine
// claims from the shared queue, and the queue's own per-action leases and
// in-doubt protocol keep each call exactly once.
package cluster
