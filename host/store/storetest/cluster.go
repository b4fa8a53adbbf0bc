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
		"BudgetPermitsRestAWindow":       testBudgetPermitsRestAWindow,
		"BudgetTakesBackHeldPermits":     testBudgetTakesBackHeldPermits,
		"BudgetRaceGrantsEachPermitOnce": testBudgetRaceGrantsEachPermitOnce,
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

// budgetRequest asks for want of a lane's permits, slots 20 ms apart.
func budgetRequest(want, permits int) store.PermitRequest {
	return store.PermitRequest{Lane: "clockify", Want: want, Permits: permits, Interval: 20 * time.Millisecond, Hold: time.Minute}
}

// acquire takes permits, failing the test on an error.
func acquire(t *testing.T, c Cluster, req store.PermitRequest) store.PermitGrant {
	t.Helper()
	g, err := c.AcquirePermits(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// testBudgetSpacesSlots takes permits from several handles at once: each
// grant is distinct and its slot one interval from the next, so the hosts
// together keep an even pace; an idle lane's next slot is now, not in the
// past.
func testBudgetSpacesSlots(t *testing.T, open ClusterOpener) {
	c := newClock()
	hosts := []Cluster{open(t, c.Now), open(t, c.Now), open(t, c.Now)}
	const n = 60
	var mu sync.Mutex
	var got []store.Permit
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := hosts[i%len(hosts)].AcquirePermits(context.Background(), budgetRequest(1, 100))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got = append(got, g.Permits...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.SortFunc(got, func(a, b store.Permit) int { return a.At.Compare(b.At) })
	if len(got) != n || !got[0].At.Equal(c.Now()) {
		t.Fatalf("got %d permits, the first at %v; want %d from now (%v)", len(got), got, n, c.Now())
	}
	seen := map[int]bool{}
	for i, p := range got {
		if seen[p.Slot] {
			t.Fatalf("permit %d granted twice: %v", p.Slot, got)
		}
		seen[p.Slot] = true
		if i > 0 {
			if d := p.At.Sub(got[i-1].At); d != 20*time.Millisecond {
				t.Fatalf("slots %d and %d are %v apart; want 20ms", i-1, i, d)
			}
		}
	}
	other := budgetRequest(3, 100)
	other.Lane = "other"
	if g := acquire(t, hosts[0], other); len(g.Permits) != 3 || !g.Permits[0].At.Equal(c.Now()) || !g.Permits[2].At.Equal(c.Now().Add(40*time.Millisecond)) {
		t.Fatalf("another lane's first grant = %v; want 3 slots from now, 20 ms apart", g.Permits)
	}
	c.Add(time.Hour)
	if g := acquire(t, hosts[1], budgetRequest(1, 100)); len(g.Permits) != 1 || !g.Permits[0].At.Equal(c.Now()) {
		t.Fatalf("after an idle hour the slot is %v; want now (%v), no saved-up burst", g.Permits, c.Now())
	}
}

// testBudgetPermitsRestAWindow checks the guarantee itself: a permit is
// granted to one call at a time and, once the call is over, rests for the
// window before it is granted again; one that was never sent is free at
// once. A lane never has more than its permits granted or resting.
func testBudgetPermitsRestAWindow(t *testing.T, open ClusterOpener) {
	ctx := context.Background()
	c := newClock()
	a, b := open(t, c.Now), open(t, c.Now)
	g := acquire(t, a, budgetRequest(10, 5))
	if len(g.Permits) != 5 {
		t.Fatalf("granted %d of 5 permits for 10 wanted; want 5", len(g.Permits))
	}
	if g := acquire(t, b, budgetRequest(2, 5)); len(g.Permits) != 0 || !g.Retry.Equal(c.Now().Add(40*time.Millisecond)) {
		t.Fatalf("with every permit held, got %v, retry at %v; want none, retry one pace of 2 sends later", g.Permits, g.Retry)
	}
	sentAt := c.Now()
	if err := a.ReleasePermits(ctx, "clockify", g.Permits[:3], time.Second); err != nil {
		t.Fatal(err)
	}
	if err := a.ReleasePermits(ctx, "clockify", g.Permits[3:], 0); err != nil {
		t.Fatal(err)
	}
	if g := acquire(t, b, budgetRequest(5, 5)); len(g.Permits) != 2 {
		t.Fatalf("granted %d permits after 2 were released unsent; want those 2", len(g.Permits))
	}
	if g := acquire(t, b, budgetRequest(3, 5)); len(g.Permits) != 0 || !g.Retry.Equal(sentAt.Add(time.Second)) {
		t.Fatalf("with 3 permits resting, got %v, retry at %v; want none until %v", g.Permits, g.Retry, sentAt.Add(time.Second))
	}
	c.Add(time.Second - time.Microsecond)
	if g := acquire(t, a, budgetRequest(3, 5)); len(g.Permits) != 0 {
		t.Fatalf("granted %d permits before their window had passed", len(g.Permits))
	}
	c.Add(time.Microsecond)
	if g := acquire(t, a, budgetRequest(3, 5)); len(g.Permits) != 3 {
		t.Fatalf("granted %d permits once the window had passed; want 3", len(g.Permits))
	}
	// A larger limit adds permits; the ones granted stay granted.
	if g := acquire(t, b, budgetRequest(10, 8)); len(g.Permits) != 3 {
		t.Fatalf("granted %d permits after the limit grew from 5 to 8; want the 3 new ones", len(g.Permits))
	}
}

// testBudgetTakesBackHeldPermits: a host that dies mid-call never
// releases its permit, which comes back after the hold; the dead grant's
// late release leaves the new grant alone.
func testBudgetTakesBackHeldPermits(t *testing.T, open ClusterOpener) {
	ctx := context.Background()
	c := newClock()
	dead, live := open(t, c.Now), open(t, c.Now)
	old := acquire(t, dead, budgetRequest(1, 1))
	if len(old.Permits) != 1 {
		t.Fatalf("granted %d permits; want 1", len(old.Permits))
	}
	c.Add(time.Minute - time.Millisecond)
	if g := acquire(t, live, budgetRequest(1, 1)); len(g.Permits) != 0 {
		t.Fatal("a held permit was granted again before its hold ended")
	}
	c.Add(time.Millisecond)
	g := acquire(t, live, budgetRequest(1, 1))
	if len(g.Permits) != 1 || g.Permits[0].Gen == old.Permits[0].Gen {
		t.Fatalf("after the hold got %v; want the permit granted anew", g.Permits)
	}
	if err := dead.ReleasePermits(ctx, "clockify", old.Permits, 0); err != nil {
		t.Fatal(err)
	}
	if g := acquire(t, dead, budgetRequest(1, 1)); len(g.Permits) != 0 {
		t.Fatal("the dead grant's release freed the permit granted since")
	}
	if err := live.ReleasePermits(ctx, "clockify", g.Permits, 0); err != nil {
		t.Fatal(err)
	}
	if g := acquire(t, dead, budgetRequest(1, 1)); len(g.Permits) != 1 {
		t.Fatal("the permit is not free after its holder released it unsent")
	}
}

// testBudgetRaceGrantsEachPermitOnce has three handles race for more
// permits than there are: each is granted exactly once.
func testBudgetRaceGrantsEachPermitOnce(t *testing.T, open ClusterOpener) {
	c := newClock()
	hosts := []Cluster{open(t, c.Now), open(t, c.Now), open(t, c.Now)}
	var mu sync.Mutex
	granted := map[int]int{}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := hosts[i%len(hosts)].AcquirePermits(context.Background(), budgetRequest(1+i%2, 10))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			for _, p := range g.Permits {
				granted[p.Slot]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(granted) != 10 {
		t.Fatalf("%d distinct permits granted; want all 10: %v", len(granted), granted)
	}
	for slot, n := range granted {
		if n != 1 {
			t.Fatalf("permit %d granted %d times at once", slot, n)
		}
	}
}
