package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// Cluster is what a store shared by several hosts offers besides Backend.
type Cluster interface {
	store.Leases
	store.RateBudget
}

// ClusterOpener opens fresh, empty leases and rate budget on the clock
// now. Calling it twice in one test must give two handles on the same
// state where the backend is shared (two hosts on one database).
type ClusterOpener func(t *testing.T, now func() time.Time) Cluster

// RunCluster runs the suite of leases and rate budgets.
func RunCluster(t *testing.T, open ClusterOpener) {
	for name, test := range map[string]func(*testing.T, ClusterOpener){
		"LeaseGoesToOneHolderAndExpires": testLeaseGoesToOneHolderAndExpires,
		"LeaseRaceHasOneWinner":          testLeaseRaceHasOneWinner,
		"BudgetSpacesSlots":              testBudgetSpacesSlots,
	} {
		t.Run(name, func(t *testing.T) { test(t, open) })
	}
}

func testLeaseGoesToOneHolderAndExpires(t *testing.T, open ClusterOpener) {
	ctx := context.Background()
	c := newClock()
	ls := open(t, c.Now)
	get := func(holder string) store.Lease {
		t.Helper()
		l, err := ls.AcquireLease(ctx, "watcher", holder, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	first := get("a")
	if first.Holder != "a" || !first.Until.Equal(c.Now().Add(10*time.Second)) || first.Takeovers != 0 {
		t.Fatalf("first acquire = %+v", first)
	}
	if l := get("b"); l.Holder != "a" {
		t.Fatalf("b took a lease a holds: %+v", l)
	}
	c.Add(5 * time.Second)
	if l := get("a"); l.Holder != "a" || !l.Since.Equal(first.Since) || !l.Until.Equal(c.Now().Add(10*time.Second)) {
		t.Fatalf("renewal = %+v; want a, since unchanged, until moved", l)
	}
	c.Add(10 * time.Second)
	taken := get("b")
	if taken.Holder != "b" || taken.Takeovers != 1 || !taken.Since.Equal(c.Now()) {
		t.Fatalf("after expiry b got %+v; want b, one takeover", taken)
	}
	if l := get("a"); l.Holder != "b" {
		t.Fatalf("the old holder renewed a lease it lost: %+v", l)
	}
	if err := ls.ReleaseLease(ctx, "watcher", "a"); err != nil {
		t.Fatal(err)
	}
	if l := get("a"); l.Holder != "b" {
		t.Fatalf("a release by a non-holder freed the lease: %+v", l)
	}
	if err := ls.ReleaseLease(ctx, "watcher", "b"); err != nil {
		t.Fatal(err)
	}
	if l := get("a"); l.Holder != "a" || l.Takeovers != 2 {
		t.Fatalf("after release a got %+v; want a at once, two takeovers", l)
	}
	get("x") // a second lease
	if _, err := ls.AcquireLease(ctx, "scheduler", "x", time.Second); err != nil {
		t.Fatal(err)
	}
	all, err := ls.ListLeases(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "scheduler" || all[1].Name != "watcher" || all[1].Holder != "a" {
		t.Fatalf("ListLeases = %+v, %v", all, err)
	}
}

// testLeaseRaceHasOneWinner lets eight hosts go for an expired lease at
// once, each through its own handle: exactly one gets it.
func testLeaseRaceHasOneWinner(t *testing.T, open ClusterOpener) {
	ctx := context.Background()
	c := newClock()
	hosts := make([]Cluster, 8)
	for i := range hosts {
		hosts[i] = open(t, c.Now)
	}
	if _, err := hosts[0].AcquireLease(ctx, "watcher", "dead", time.Second); err != nil {
		t.Fatal(err)
	}
	c.Add(2 * time.Second)
	var mu sync.Mutex
	winners := map[string]bool{}
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := fmt.Sprint("host-", i)
			l, err := h.AcquireLease(ctx, "watcher", me, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			if l.Holder == me {
				mu.Lock()
				winners[me] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d hosts think they hold the lease: %v", len(winners), winners)
	}
}

// testBudgetSpacesSlots reserves slots from several handles at once: every
// slot is distinct and one interval from the next, so the hosts together
// keep the pace; an idle lane's next slot is now, not in the past.
func testBudgetSpacesSlots(t *testing.T, open ClusterOpener) {
	ctx := context.Background()
	c := newClock()
	hosts := []Cluster{open(t, c.Now), open(t, c.Now), open(t, c.Now)}
	const n, interval = 60, 20 * time.Millisecond
	var mu sync.Mutex
	var slots []time.Time
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := hosts[i%len(hosts)].ReserveSlot(ctx, "clockify", interval)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			slots = append(slots, s)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.SortFunc(slots, func(a, b time.Time) int { return a.Compare(b) })
	if len(slots) != n || !slots[0].Equal(c.Now()) {
		t.Fatalf("got %d slots starting %v; want %d from now (%v)", len(slots), slots[0], n, c.Now())
	}
	for i := 1; i < n; i++ {
		if d := slots[i].Sub(slots[i-1]); d != interval {
			t.Fatalf("slots %d and %d are %v apart; want %v", i-1, i, d, interval)
		}
	}
	if s, _ := hosts[0].ReserveSlot(ctx, "other", interval); !s.Equal(c.Now()) {
		t.Fatalf("another lane's first slot = %v; want now", s)
	}
	c.Add(time.Hour)
	if s, _ := hosts[1].ReserveSlot(ctx, "clockify", interval); !s.Equal(c.Now()) {
		t.Fatalf("after an idle hour the slot is %v; want now (%v), no saved-up burst", s, c.Now())
	}
}
