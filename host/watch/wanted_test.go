package watch_test

import (
	"context"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/watch"
)

// TestWatcherRestsWhileNoOneWantsEvents steps Run through its Wanted
// answers: while resting it delivers nothing, and on waking it carries on
// from its cursor, so a change made while it rested is not lost.
func TestWatcherRestsWhileNoOneWantsEvents(t *testing.T) {
	c := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, c)
	u := dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("rest")})
	events := make(chan watch.Event, 16)
	asked := make(chan chan bool)
	w, err := watch.New(c, watch.NewMemoryState(), watch.Options{
		Base: ou, Interval: time.Millisecond,
		Handler: func(_ context.Context, e watch.Event) error { events <- e; return nil },
		Wanted: func(ctx context.Context) (bool, error) {
			answer := make(chan bool)
			select {
			case asked <- answer:
			case <-ctx.Done():
				return false, ctx.Err()
			}
			return <-answer, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Run asks at the top of each turn, so a question received means the
	// previous turn's poll (if any) has ended.
	next := func() chan bool {
		t.Helper()
		select {
		case a := <-asked:
			return a
		case <-time.After(30 * time.Second):
			t.Fatal("Run never asked whether events are wanted")
			return nil
		}
	}

	drain := func() []watch.Event {
		var got []watch.Event
		for len(events) > 0 {
			got = append(got, <-events)
		}
		return got
	}
	changed := func(got []watch.Event, attr string) bool {
		return len(got) == 1 && got[0].Kind == watch.UserChanged && len(got[0].Changed) == 1 && got[0].Changed[0] == attr
	}

	next() <- false
	must(t, c.Modify(ctx, u.DN, directory.Replace("title", "While resting")))
	next() <- false // resting
	a := next()
	if got := drain(); len(got) != 0 {
		t.Fatalf("a resting watcher delivered %+v", got)
	}
	a <- true // wakes and carries on from its cursor
	a = next()
	if got := drain(); !changed(got, "title") {
		t.Fatalf("on waking: events %+v, want the title change made while resting", got)
	}
	must(t, c.Modify(ctx, u.DN, directory.Replace("department", "After waking")))
	a <- true
	a = next()
	got := drain()
	a <- false
	if !changed(got, "department") {
		t.Fatalf("after waking: events %+v, want the department change", got)
	}
}
