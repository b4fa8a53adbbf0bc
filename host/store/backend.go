package store

// Backend is a whole store: what the application opens once at start and
// hands, piece by piece, to the host packages. Packages should depend on
// the narrowest piece they use (Docs, Queue, Runs or Audit), not on
// Backend.
type Backend interface {
	Docs
	// Queue returns the durable work queue.
	Queue() Queue
	// Runs returns the run records.
	Runs() Runs
	// Audit returns the audit log.
	Audit() Audit
	// Close flushes and releases the store.
	Close() error
}
