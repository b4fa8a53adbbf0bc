package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/watch"
)

// TestWatchStatusFollowsTheEvents checks that the watcher's state counts
// the changes passed on, keeps the last failure until a change goes
// through, and says whether the loop runs as the watcher itself records it.
func TestWatchStatusFollowsTheEvents(t *testing.T) {
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	w := &watchStatus{now: func() time.Time { return at }}
	fail := errors.New("the automation store is full")
	var next error
	handler := w.observe(func(context.Context, watch.Event) error { return next })
	ctx := context.Background()

	next = fail
	if err := handler(ctx, watch.Event{Kind: watch.UserDisabled, DN: "CN=Ken"}); !errors.Is(err, fail) {
		t.Fatalf("the handler's error was not passed back: %v", err)
	}
	if w.st.LastError == "" || w.st.Events != 0 {
		t.Fatalf("after a failure: %+v", w.st)
	}
	next = nil
	_ = handler(ctx, watch.Event{Kind: watch.UserDisabled, DN: "CN=Ken"})
	if w.st.Events != 1 || w.st.LastKind != "user.disabled" || w.st.LastObject != "CN=Ken" || w.st.LastError != "" || !w.st.LastEvent.Equal(at) {
		t.Fatalf("after a change went through: %+v", w.st)
	}

	if st := w.status(); st.Running || !st.Since.IsZero() {
		t.Fatalf("with no watcher (--watch off): %+v", st)
	}
	started := at.Add(-time.Hour).In(time.FixedZone("CET", 3600))
	loop := &fakeLoop{watch.Loop{Since: started, Running: true, LastPoll: at}}
	w.loop = loop
	if st := w.status(); !st.Running || !st.Since.Equal(started) || st.Since.Location() != time.UTC || st.Events != 1 || !st.Seeing() {
		t.Fatalf("while the watcher runs: %+v", st)
	}
	loop.l.FailingSince, loop.l.PollError = at, errors.New("the store refused the cursor: key hunter2 rejected")
	w.mask = func(s string) string { return strings.ReplaceAll(s, "hunter2", "********") }
	if st := w.status(); st.Seeing() || !st.PollsFailingSince.Equal(at) || st.PollError != "the store refused the cursor: key ******** rejected" {
		t.Fatalf("while its polls fail: %+v; want the watcher's record, masked", st)
	}
	loop.l.Running = false
	if st := w.status(); st.Running || !st.Since.Equal(started) {
		t.Fatalf("after the watcher's loop returned: %+v", st)
	}
}

// fakeLoop stands for the watcher's own record of its loop.
type fakeLoop struct{ l watch.Loop }

func (f *fakeLoop) Loop() watch.Loop { return f.l }
