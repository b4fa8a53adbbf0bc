package watch

import (
	"fmt"
	"sync"
	"time"
)

// progress is the one record of Run's life: whether it runs, since when,
// and when a poll last succeeded or failed. Ready reads it for /readyz and
// Running for the host's GET /v1/watcher, so the two never disagree about
// whether the watcher runs. See decision 0284.
type progress struct {
	mu      sync.Mutex
	running bool
	started time.Time
	lastOK  time.Time
	lastErr error
}

func (p *progress) begin(now time.Time) {
	p.mu.Lock()
	p.running, p.started, p.lastOK, p.lastErr = true, now, time.Time{}, nil
	p.mu.Unlock()
}

// end marks Run returned; started stays, as when it last ran.
func (p *progress) end() {
	p.mu.Lock()
	p.running = false
	p.mu.Unlock()
}

func (p *progress) polled(now time.Time, err error) {
	p.mu.Lock()
	if err == nil {
		p.lastOK, p.lastErr = now, nil
	} else {
		p.lastErr = err
	}
	p.mu.Unlock()
}

// Running reports whether Run is running, and since when it runs or,
// once it returned, when it last started (zero if it never ran). A host
// on a shared store runs the watcher only while it holds the lease
// (decision 0233), so this changes over a host's life.
func (w *Watcher) Running() (since time.Time, running bool) {
	p := &w.progress
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started, p.running
}

// StuckAfter is how long Run may go without a successful poll before Ready
// reports the watcher stuck: ten intervals, and at least five minutes, so a
// first full read of a large directory is not taken for a stuck one.
func (w *Watcher) StuckAfter() time.Duration { return max(10*w.opts.Interval, 5*time.Minute) }

// Ready returns nil while Run polls successfully or does not run (never
// started, or returned, as on a host that gave the lease up), else why the
// watcher is stuck: no poll has succeeded for StuckAfter, with the last
// error. Changes in the directory are not seen meanwhile, so /readyz
// reports it. See decisions 0175 and 0284.
func (w *Watcher) Ready() error {
	p := &w.progress
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running {
		return nil
	}
	since := p.lastOK
	if since.IsZero() {
		since = p.started
	}
	if w.now().Sub(since) < w.StuckAfter() {
		return nil
	}
	if p.lastErr != nil {
		return fmt.Errorf("the directory watcher has not completed a poll since %s: %w", since.UTC().Format(time.RFC3339), p.lastErr)
	}
	return fmt.Errorf("the directory watcher has not completed a poll since %s; a poll is taking longer than %s", since.UTC().Format(time.RFC3339), w.StuckAfter())
}
