package watch_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/watch"
)

// running starts a watcher's Run loop at a 1 s interval over a fresh OU with
// one user, after its first snapshot, and returns the event channel.
func running(tb testing.TB) (*directory.Client, directory.User, <-chan watch.Event) {
	tb.Helper()
	c := dirtest.Connect(tb, dirtest.AD(tb))
	ou := dirtest.NewOU(tb, c)
	u := dirtest.AddUser(tb, c, ou, dirtest.User{Name: dirtest.UniqueName("run")})
	events := make(chan watch.Event, 64)
	w, err := watch.New(c, watch.NewMemoryState(), watch.Options{
		Base: ou, Interval: time.Second,
		Handler: func(_ context.Context, e watch.Event) error { events <- e; return nil },
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := w.Poll(ctx); err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			tb.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
	return c, u, events
}

func waitFor(tb testing.TB, events <-chan watch.Event, id string, kind watch.Kind) {
	tb.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case e := <-events:
			if e.ID == id && e.Kind == kind {
				return
			}
		case <-timeout:
			tb.Fatalf("no %s event for %s within 15 s", kind, id)
		}
	}
}

func TestRunDeliversChanges(t *testing.T) {
	c, u, events := running(t)
	if err := c.Disable(context.Background(), u.DN); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, u.ID, watch.UserDisabled)
}

// BenchmarkChangeToEvent measures the time from a change written to AD to
// its event, with the watcher polling every second. Each change is made at a
// random point of the interval, as real changes are.
func BenchmarkChangeToEvent(b *testing.B) {
	c, u, events := running(b)
	ctx := context.Background()
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Duration(rand.Int64N(int64(time.Second))))
		start := time.Now()
		if err := c.Modify(ctx, u.DN, directory.Replace("title", fmt.Sprintf("t%d", i))); err != nil {
			b.Fatal(err)
		}
		waitFor(b, events, u.ID, watch.UserChanged)
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

// TestRunShowsPollsFailingWhileTheDirectoryIsDown runs a watcher against a
// real directory that stops and starts again, then refuses the bind
// account's password: meanwhile the status says the polls fail, since
// when, why and what to do, and is not seeing changes; once the directory
// is back, or takes the password again, a poll clears it.
func TestRunShowsPollsFailingWhileTheDirectoryIsDown(t *testing.T) {
	s := dirtest.StartSlapd(t)
	c := dirtest.Connect(t, s.Config)
	// Wanted is asked before every poll but the first, so each call says
	// the previous poll's outcome is recorded.
	asked := make(chan struct{}, 1)
	w, err := watch.New(c, watch.NewMemoryState(), watch.Options{
		Interval: 100 * time.Millisecond,
		Handler:  func(context.Context, watch.Event) error { return nil },
		Wanted: func(context.Context) (bool, error) {
			select {
			case asked <- struct{}{}:
			default:
			}
			return true, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	mask := func(v string) string { return strings.ReplaceAll(v, s.Config.Password, "********") }
	status := func() watch.Status { return watch.Status{Directory: s.Config.URL}.WithLoop(w.Loop(), mask) }
	until := func(what string, ok func(watch.Status) bool) watch.Status {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			if st := status(); ok(st) {
				return st
			}
			select {
			case <-asked:
			case <-deadline:
				t.Fatalf("the watcher's status never showed %s: %+v", what, status())
			}
		}
	}

	until("a completed poll", watch.Status.Seeing)
	s.Stop()
	st := until("polls failing", func(st watch.Status) bool { return !st.PollsFailingSince.IsZero() })
	if st.Seeing() || !strings.HasPrefix(st.PollError, "directory unavailable") || !strings.Contains(st.PollFix, s.Config.URL) {
		t.Fatalf("with the directory down: %+v; want not seeing, unavailable, what to do naming %s", st, s.Config.URL)
	}
	if st.PollsFailingSince.Before(st.LastPoll) {
		t.Fatalf("failing since %v, before the last completed poll %v", st.PollsFailingSince, st.LastPoll)
	}
	s.Restart(t)
	back := func(what string) {
		t.Helper()
		st := until(what, func(st watch.Status) bool { return st.PollsFailingSince.IsZero() })
		if !st.Seeing() || st.PollError != "" || st.PollFix != "" {
			t.Fatalf("%s: %+v; want seeing changes, no failure", what, st)
		}
	}
	back("polls succeeding with the directory back")

	old := s.Config.Password
	s.SetPassword(t, "changed-"+old)
	st = until("the bind refused", func(st watch.Status) bool { return strings.HasPrefix(st.PollError, "bind failed") })
	if st.Seeing() || st.PollsFailingSince.IsZero() || !strings.HasPrefix(st.PollFix, "Check the bind account") {
		t.Fatalf("with the password refused: %+v; want failing, with what to do about the bind account", st)
	}
	if strings.Contains(st.PollError+st.PollFix, old) {
		t.Fatalf("the status shows the bind password: %+v", st)
	}
	s.SetPassword(t, old)
	back("polls succeeding with the password taken again")
}
