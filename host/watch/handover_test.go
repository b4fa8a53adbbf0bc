package watch_test

import (
	"context"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/watch"
)

// TestRunResumesFromTheStoredMarkAfterAnotherHost runs the watcher of
// "host A", lets "host B" handle a change on the same store (as when the
// watcher lease moved), then runs A again: A starts from the mark B stored
// and does not hand B's change out a second time. Running follows A's Run.
func TestRunResumesFromTheStoredMarkAfterAnotherHost(t *testing.T) {
	docs := store.NewMemoryDocs()
	f := newFixture(t, dirtest.AD(t), watch.NewDocsState(docs, "ad"), watch.Options{Interval: time.Hour})
	u := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("hand")})
	v := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("over")})
	f.poll() // host A is current

	must(t, f.c.Modify(f.ctx, u.DN, directory.Replace("title", "Handled by B")))
	recB := &recorder{}
	b, err := watch.New(f.c, watch.NewDocsState(docs, "ad"), watch.Options{Base: f.ou, Handler: recB.handle})
	must(t, err)
	if _, err := b.Poll(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.expect(recB.take(), u.ID, watch.UserChanged)

	must(t, f.c.Modify(f.ctx, v.DN, directory.Replace("title", "Handled by A")))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.w.Run(ctx) }()
	var got []watch.Event
	deadline := time.After(time.Minute)
	for len(got) == 0 {
		select {
		case <-deadline:
			t.Fatal("host A's watcher delivered nothing")
		case <-time.After(20 * time.Millisecond):
		}
		got = append(got, f.rec.take()...)
	}
	if l := f.w.Loop(); !l.Running || l.Since.IsZero() {
		t.Fatalf("Running while Run polls = %v since %v", l.Running, l.Since)
	}
	cancel()
	<-done
	// Run returned, as when the lease moves to another host: the watcher
	// says so, and keeps when it last started.
	if l := f.w.Loop(); l.Running || l.Since.IsZero() {
		t.Fatalf("Running after Run returned = %v since %v", l.Running, l.Since)
	}
	got = append(got, f.rec.take()...)
	f.expect(got, v.ID, watch.UserChanged)
}
