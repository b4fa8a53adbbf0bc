package watch

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// progress is the one record of Run's life: whether it runs, since when,
// and when a poll last succeeded or failed. Ready reads it for /readyz and
// Loop for the host's GET /v1/watcher, so the two never disagree about
// whether the watcher runs or sees changes. See decisions 0284 and 0286.
type progress struct {
	mu      sync.Mutex
	running bool
	started time.Time
	lastOK  time.Time
	lastErr error
	// failingSince is the first of the polls failing in a row to read the
	// directory or keep its state; zero while the last poll read it.
	failingSince time.Time
}

func (p *progress) begin(now time.Time) {
	p.mu.Lock()
	p.running, p.started, p.lastOK, p.lastErr, p.failingSince = true, now, time.Time{}, nil, time.Time{}
	p.mu.Unlock()
}

// end marks Run returned; started stays, as when it last ran.
func (p *progress) end() {
	p.mu.Lock()
	p.running = false
	p.mu.Unlock()
}

// polled notes a poll's outcome. A handler's failure ends a run of
// failing polls without being a success: the directory was read, but the
// change was not passed on, so the poll is repeated and Ready still waits
// for one that completes.
func (p *progress) polled(now time.Time, err error) {
	p.mu.Lock()
	switch {
	case err == nil:
		p.lastOK, p.lastErr, p.failingSince = now, nil, time.Time{}
	case errors.Is(err, ErrHandler):
		p.lastErr, p.failingSince = err, time.Time{}
	default:
		p.lastErr = err
		if p.failingSince.IsZero() {
			p.failingSince = now
		}
	}
	p.mu.Unlock()
}

// stuck reports since when no poll has completed, and whether that is
// longer than after; p.mu is held.
func (p *progress) stuck(now time.Time, after time.Duration) (since time.Time, stuck bool) {
	since = p.lastOK
	if since.IsZero() {
		since = p.started
	}
	return since, p.running && now.Sub(since) >= after
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
	since, stuck := p.stuck(w.now(), w.StuckAfter())
	if !stuck {
		return nil
	}
	if p.lastErr != nil {
		return fmt.Errorf("the directory watcher has not completed a poll since %s: %w", since.UTC().Format(time.RFC3339), p.lastErr)
	}
	return fmt.Errorf("the directory watcher has not completed a poll since %s; a poll is taking longer than %s", since.UTC().Format(time.RFC3339), w.StuckAfter())
}

// Loop is the watcher's own record of its loop at one moment, for the
// host's GET /v1/watcher: whether it runs and whether its polls see the
// directory. It is read from the record Ready judges by, so the console
// and /readyz cannot disagree. See decision 0286.
type Loop struct {
	// Running is true while Run runs; Since is when it started, or when
	// it last started once it returned.
	Running bool
	Since   time.Time
	// LastPoll is when a poll last completed since Run started; zero
	// before the first.
	LastPoll time.Time
	// FailingSince is when polls began failing to read the directory (or
	// to keep the watcher's state), and PollError the last one's error.
	// Both are empty once a poll reads the directory again, and while Run
	// does not run. A handler's failure is not one: the directory was read.
	FailingSince time.Time
	PollError    error
	// Stuck is true when Ready reports the watcher stuck: it runs, and no
	// poll has completed for StuckAfter.
	Stuck bool
}

// Loop returns the watcher's record of its loop.
func (w *Watcher) Loop() Loop {
	p := &w.progress
	p.mu.Lock()
	defer p.mu.Unlock()
	l := Loop{Running: p.running, Since: p.started, LastPoll: p.lastOK}
	_, l.Stuck = p.stuck(w.now(), w.StuckAfter())
	if p.running && !p.failingSince.IsZero() {
		l.FailingSince, l.PollError = p.failingSince, p.lastErr
	}
	return l
}
