package orchestration

// Worker returns the name this engine claims queued actions under, so the
// host can report its own share of the queue.
func (e *Engine) Worker() string { return e.cfg.Worker }
