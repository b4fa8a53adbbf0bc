package watch

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestReadyReportsAStuckWatcher: no successful poll for StuckAfter makes
// the watcher not ready, naming the last error; a successful poll clears it.
func TestReadyReportsAStuckWatcher(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w := &Watcher{opts: Options{Interval: time.Second}, now: func() time.Time { return now }}
	if err := w.Ready(); err != nil {
		t.Fatalf("a watcher that does not run is not ready: %v", err)
	}
	w.progress.begin(now)
	now = now.Add(time.Minute)
	w.progress.polled(now, errors.New("LDAP Result Code 200 \"Network Error\""))
	if err := w.Ready(); err != nil {
		t.Fatalf("one failed poll made it stuck: %v", err)
	}
	now = now.Add(w.StuckAfter())
	err := w.Ready()
	if err == nil || !strings.Contains(err.Error(), "Network Error") || !strings.Contains(err.Error(), "has not completed a poll since") {
		t.Fatalf("Ready = %v; want stuck with the last error", err)
	}
	w.progress.polled(now, nil)
	if err := w.Ready(); err != nil {
		t.Fatalf("still stuck after a successful poll: %v", err)
	}
}

// TestReadyAndRunningFollowRun: a watcher whose Run returned (a host that
// gave the watcher lease up) is not stuck however long ago it last polled,
// and Running says it stopped while keeping when it last started.
func TestReadyAndRunningFollowRun(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w := &Watcher{opts: Options{Interval: time.Second}, now: func() time.Time { return now }}
	if since, running := w.Running(); running || !since.IsZero() {
		t.Fatalf("before Run: running %v since %v", running, since)
	}
	started := now
	w.progress.begin(started)
	if since, running := w.Running(); !running || !since.Equal(started) {
		t.Fatalf("in Run: running %v since %v", running, since)
	}
	now = now.Add(w.StuckAfter())
	if err := w.Ready(); err == nil {
		t.Fatal("a running watcher without a poll for StuckAfter is ready")
	}
	w.progress.end()
	if err := w.Ready(); err != nil {
		t.Fatalf("a watcher whose Run returned is stuck: %v", err)
	}
	if since, running := w.Running(); running || !since.Equal(started) {
		t.Fatalf("after Run: running %v since %v; want stopped, since %v", running, since, started)
	}
	w.progress.begin(now)
	if err := w.Ready(); err != nil {
		t.Fatalf("a Run that just started again is stuck: %v", err)
	}
}
