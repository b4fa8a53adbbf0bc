package watch_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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
