package cluster_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/cluster"
	"github.com/idbridge/idbridge/host/store"
)

// busiestSecond counts the most instants in any sliding second.
func busiestSecond(times []time.Time) int {
	times = slices.Clone(times)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most, j := 0, 0
	for i := range times {
		for times[i].Sub(times[j]) >= time.Second {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// TestBudgetKeepsEverySlidingSecondToTheLimit runs three hosts' budgets on
// one store, each call "arriving" at a random moment between the end of
// its wait and its release, as a call leaves late and crosses a network:
// however the arrivals bunch, no sliding second holds more than the limit.
func TestBudgetKeepsEverySlidingSecondToTheLimit(t *testing.T) {
	const limit, calls = 100, 250
	shared := store.NewMemoryCluster(nil)
	hosts := []*cluster.Budget{cluster.NewBudget(shared, nil), cluster.NewBudget(shared, nil), cluster.NewBudget(shared, nil)}
	var mu sync.Mutex
	var arrived []time.Time
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := hosts[i%len(hosts)].Wait(context.Background(), "clockify", limit)
			if err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond) // on the way
			mu.Lock()
			arrived = append(arrived, time.Now())
			mu.Unlock()
			done(true)
		}()
	}
	wg.Wait()
	if len(arrived) != calls {
		t.Fatalf("%d of %d calls went out", len(arrived), calls)
	}
	if most := busiestSecond(arrived); most > limit {
		t.Fatalf("%d calls arrived in one sliding second; the limit is %d", most, limit)
	}
}

// TestBudgetGivesBackPermitsNotUsed: a call that stops waiting, or that
// never leaves, returns its permit at once instead of letting it rest a
// window.
func TestBudgetGivesBackPermitsNotUsed(t *testing.T) {
	shared := store.NewMemoryCluster(nil)
	b := cluster.NewBudget(shared, nil)
	ctx := context.Background()
	done, err := b.Wait(ctx, "clockify", 1) // the lane's only permit
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	waited := make(chan error, 1)
	go func() {
		_, err := b.Wait(canceled, "clockify", 1)
		waited <- err
	}()
	cancel()
	if err := <-waited; err == nil {
		t.Fatal("a wait whose context ended got a permit")
	}
	done(false)
	done(true) // a second call changes nothing
	req := store.PermitRequest{Lane: "clockify", Want: 1, Permits: 1, Interval: time.Second, Hold: time.Minute}
	for deadline := time.Now().Add(30 * time.Second); ; {
		g, err := shared.AcquirePermits(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Permits) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the permit of a call that never left did not come back")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestShapeNeverRoundsUp: a fractional limit keeps whole calls per second
// below it, and a limit under one a second becomes one call per window.
func TestShapeNeverRoundsUp(t *testing.T) {
	for _, c := range []struct {
		perSecond float64
		permits   int
		window    time.Duration
	}{{50, 50, time.Second}, {2.5, 2, time.Second}, {0.5, 1, 2 * time.Second}} {
		permits, window, _ := cluster.Shape(c.perSecond)
		if permits != c.permits || window != c.window {
			t.Errorf("Shape(%v) = %d per %v; want %d per %v", c.perSecond, permits, window, c.permits, c.window)
		}
	}
}

// TestBudgetStopGivesBackWhatItHolds: a host that stops writes the
// releases it had gathered, so the other hosts do not wait out the hold.
func TestBudgetStopGivesBackWhatItHolds(t *testing.T) {
	shared := store.NewMemoryCluster(nil)
	b := cluster.NewBudget(shared, nil)
	b.ReleaseDelay = time.Hour // only Stop writes
	ctx := context.Background()
	over, err := b.Wait(ctx, "clockify", 1)
	if err != nil {
		t.Fatal(err)
	}
	over(false)
	req := store.PermitRequest{Lane: "clockify", Want: 1, Permits: 1, Interval: time.Second, Hold: time.Minute}
	if g, _ := shared.AcquirePermits(ctx, req); len(g.Permits) != 0 {
		t.Fatal("the permit was given back before the release was written")
	}
	if err := b.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if g, _ := shared.AcquirePermits(ctx, req); len(g.Permits) != 1 {
		t.Fatal("after Stop the permit is still held")
	}
}
