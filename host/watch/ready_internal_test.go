package watch

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
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
// and Loop says it stopped while keeping when it last started.
func TestReadyAndRunningFollowRun(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w := &Watcher{opts: Options{Interval: time.Second}, now: func() time.Time { return now }}
	if l := w.Loop(); l.Running || !l.Since.IsZero() {
		t.Fatalf("before Run: running %v since %v", l.Running, l.Since)
	}
	started := now
	w.progress.begin(started)
	if l := w.Loop(); !l.Running || !l.Since.Equal(started) {
		t.Fatalf("in Run: running %v since %v", l.Running, l.Since)
	}
	now = now.Add(w.StuckAfter())
	if err := w.Ready(); err == nil {
		t.Fatal("a running watcher without a poll for StuckAfter is ready")
	}
	w.progress.end()
	if err := w.Ready(); err != nil {
		t.Fatalf("a watcher whose Run returned is stuck: %v", err)
	}
	if l := w.Loop(); l.Running || !l.Since.Equal(started) {
		t.Fatalf("after Run: running %v since %v; want stopped, since %v", l.Running, l.Since, started)
	}
	w.progress.begin(now)
	if err := w.Ready(); err != nil {
		t.Fatalf("a Run that just started again is stuck: %v", err)
	}
}

// TestStatusShowsFailingPolls: while polls fail to read the directory the
// status says since when, why in words with any secret masked, and what
// to do, and it is not seeing changes; a handler's failure is not a failing
// poll; a poll that reads the directory again clears it all; a watcher
// stuck without an error, or not yet polled, is not seeing changes either.
func TestStatusShowsFailingPolls(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	w := &Watcher{opts: Options{Interval: time.Second}, now: func() time.Time { return now }}
	mask := func(s string) string { return strings.ReplaceAll(s, "Sesame-42", "********") }
	show := func() Status { return Status{Directory: "ldaps://dc1.example.com"}.WithLoop(w.Loop(), mask) }
	started := now
	w.progress.begin(started)
	if st := show(); !st.Running || st.Seeing() || !st.LastPoll.IsZero() {
		t.Fatalf("before the first poll: %+v; want running, not yet seeing changes", st)
	}

	now = now.Add(time.Second)
	w.progress.polled(now, nil)
	firstOK := now
	if st := show(); !st.Seeing() || !st.LastPoll.Equal(firstOK) || st.LastPoll.Location() != time.UTC || st.PollError != "" {
		t.Fatalf("after a poll that read the directory: %+v", st)
	}

	refused := &directory.Error{Op: "bind", Kind: directory.ErrBindFailed,
		Fix: "check the bind account (a full DN or user@REALM) and its password, and that the account is enabled",
		Err: errors.New("80090308: AcceptSecurityContext error, data 52e, password Sesame-42")}
	now = now.Add(time.Second)
	failing := now
	w.progress.polled(now, fmt.Errorf("poll: %w", refused))
	now = now.Add(time.Second)
	w.progress.polled(now, fmt.Errorf("poll: %w", refused))
	st := show()
	if st.Seeing() || !st.PollsFailingSince.Equal(failing) || !st.LastPoll.Equal(firstOK) {
		t.Fatalf("while polls fail: %+v; want failing since the first failure %v", st, failing)
	}
	if !strings.HasPrefix(st.PollError, "bind failed: ") || !strings.Contains(st.PollError, "data 52e") {
		t.Fatalf("the poll error in words: %q", st.PollError)
	}
	if strings.Contains(st.PollError, "Sesame-42") || !strings.Contains(st.PollError, "********") {
		t.Fatalf("the poll error shows the secret: %q", st.PollError)
	}
	if !strings.HasPrefix(st.PollFix, "Check the bind account") || !strings.HasSuffix(st.PollFix, ".") {
		t.Fatalf("what to do: %q", st.PollFix)
	}

	now = now.Add(time.Second)
	w.progress.polled(now, errors.New("the store refused the cursor: disk full"))
	if st := show(); st.PollError != "the store refused the cursor: disk full" || st.PollFix == "" || !st.PollsFailingSince.Equal(failing) {
		t.Fatalf("a failure that is not the directory's: %+v; want it in words with a fix, failing since %v", st, failing)
	}

	now = now.Add(time.Second)
	w.progress.polled(now, nil)
	if st := show(); !st.Seeing() || !st.PollsFailingSince.IsZero() || st.PollError != "" || st.PollFix != "" || !st.LastPoll.Equal(now) {
		t.Fatalf("after a poll that read the directory again: %+v; want the failure cleared", st)
	}

	now = now.Add(time.Second)
	w.progress.polled(now, fmt.Errorf("%w: user.created CN=Ken: the automation store is full", ErrHandler))
	if st := show(); !st.PollsFailingSince.IsZero() || st.PollError != "" || !st.Seeing() {
		t.Fatalf("a handler's failure shown as a failing poll: %+v", st)
	}

	now = now.Add(w.StuckAfter())
	if st := show(); !st.Stuck || st.Seeing() {
		t.Fatalf("no poll completed for StuckAfter: %+v; want stuck, not seeing changes", st)
	}

	w.progress.polled(now, refused)
	w.progress.end()
	if st := show(); st.Running || st.Stuck || st.Seeing() || st.PollError != "" || !st.PollsFailingSince.IsZero() || !st.Since.Equal(started) {
		t.Fatalf("after Run returned: %+v; want stopped, no failure shown, since %v", st, started)
	}
}
