package watch

import (
	"fmt"
	"sync"
	"time"
)

// progress is what readiness needs to know about Run: when it started and
// when a poll last succeeded or failed.
type progress struct {
	mu      sync.Mutex
	started time.Time
	lastOK  time.Time
	lastErr error
}

func (p *progress) begin(now time.Time) {
	p.mu.Lock()
	p.started, p.lastOK, p.lastErr = now, time.Time{}, nil
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

// StuckAfter is how long Run may go without a successful poll before Ready
// reports the watcher stuck: ten intervals, and at least five minutes, so a
// first full read of a large directory is not taken for a stuck one.
func (w *Watcher) StuckAfter() time.Duration { return max(10*w.opts.Interval, 5*time.Minute) }

// Ready returns nil while Run polls successfully (or does not run), else
// why the watcher is stuck: no poll has succeeded for StuckAfter, with the
// last error. Changes in the directory are not seen meanwhile, so /readyz
// reports it. See decision 0175.
func (w *Watcher) Ready() error {
	p := &w.progress
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started.IsZero() {
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
