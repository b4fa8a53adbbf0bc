package cluster_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// multiHostMembers is how many onboarding actions the test runs. The issue
// asks for 1,000; at Clockify's 50 requests a second that alone is over 20 s
// of calls, so `make test` runs fewer and bench/multihost.sh runs 1,000
// (IDBRIDGE_MULTIHOST_N).
const multiHostMembers = 400

// isDone reports whether h's process has exited.
func isDone(h *host) bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// TestThreeHostsKilledOneByOneDoEverythingOnce runs three hosts on one
// PostgreSQL schema against the Clockify sandbox at Clockify's limit of 50
// requests a second. It kills the watcher lease's holder with SIGKILL at
// about a third of the work, then another host past half way, and checks
// that every member exists exactly once, that the lease moved to a live
// host within 10 s, and that the sandbox never counted more than its limit
// in any sliding second.
func TestThreeHostsKilledOneByOneDoEverythingOnce(t *testing.T) {
	n := multiHostMembers
	if v := os.Getenv("IDBRIDGE_MULTIHOST_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	const limit = 50
	f := newFleet(t, limit, n)
	f.start("host-1", true) // enqueues the run before the others start
	f.start("host-2", false)
	f.start("host-3", false)
	hosts := map[string]*host{}
	for name, h := range f.hosts {
		hosts[name] = h
	}
	sb, watcher, added, waitFor := f.sb, f.watcher, f.added, f.waitFor

	// Every change of the watcher lease's holder, as seen from outside.
	type change struct {
		holder string
		at     time.Time
	}
	var mu sync.Mutex
	var changes []change
	stopPoll := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		last := ""
		for {
			if l := watcher(); l.Holder != last && l.Until.After(time.Now()) {
				last = l.Holder
				mu.Lock()
				changes = append(changes, change{l.Holder, time.Now()})
				mu.Unlock()
			}
			select {
			case <-stopPoll:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	killed := map[string]time.Time{}
	kill := func(at int, prefer func(holder string) string) {
		waitFor(fmt.Sprintf("%d members", at), func() bool { return added() >= at })
		name := prefer(watcher().Holder)
		killed[name] = f.kill(name) // SIGKILL
		t.Logf("killed %s after %d members (watcher lease holder: %s)", name, added(), watcher().Holder)
	}
	// About a third of the way: the watcher lease's holder.
	kill(n/3, func(holder string) string {
		if hosts[holder] == nil {
			t.Fatalf("the watcher lease is held by %q, not a host of the test", holder)
		}
		return holder
	})
	// Past half way: the lease's new holder if it has moved already, else
	// another live host; one host is left.
	kill(n/2, func(holder string) string {
		if _, dead := killed[holder]; !dead {
			return holder
		}
		for _, name := range []string{"host-1", "host-2", "host-3"} {
			if _, dead := killed[name]; !dead {
				return name
			}
		}
		return ""
	})
	survivor := ""
	for _, name := range []string{"host-1", "host-2", "host-3"} {
		if _, dead := killed[name]; !dead {
			survivor = name
		}
	}
	h := hosts[survivor]
	waitFor("the survivor to finish the run", func() bool {
		return finished(h) || isDone(h)
	})
	if !strings.Contains(h.out.String(), "FINISHED succeeded") {
		t.Fatalf("the run did not succeed on %s:\n%s", survivor, h.out)
	}
	waitFor("the watcher lease to reach the survivor", func() bool { return watcher().Holder == survivor })
	close(stopPoll)
	<-polled
	// After each kill of the lease's holder, a live host held it within 10 s.
	for name, at := range killed {
		mu.Lock()
		var next *change
		for i := range changes {
			if changes[i].holder != name && changes[i].at.After(at) {
				next = &changes[i]
				break
			}
		}
		wasHolder := false
		for _, c := range changes {
			if c.holder == name && c.at.Before(at) {
				wasHolder = true
			}
		}
		mu.Unlock()
		if !wasHolder {
			continue
		}
		if next == nil {
			t.Errorf("the watcher lease never left %s after it was killed", name)
			continue
		}
		moved := next.at.Sub(at)
		t.Logf("the watcher lease moved from %s to %s %.1f s after the kill", name, next.holder, moved.Seconds())
		if moved > 10*time.Second {
			t.Errorf("the watcher lease took %.1f s to move from the killed %s; the promise is 10 s", moved.Seconds(), name)
		}
	}

	byEmail := map[string]int{}
	for _, u := range sb.Users(sandbox.DefaultWorkspaceID) {
		byEmail[u.Email]++
	}
	lost, doubled := 0, 0
	for i := range n {
		switch c := byEmail[fmt.Sprintf("member.%d@corp.example", i)]; {
		case c == 0:
			lost++
		case c > 1:
			doubled++
		}
	}
	if lost != 0 || doubled != 0 {
		t.Errorf("%d members lost and %d duplicated of %d", lost, doubled, n)
	}
	checkRate(t, sb.Requests(), limit)
}

// checkRate fails when the sandbox counted more calls than the limit in
// any sliding second, or refused one with 429. It counts what the sandbox
// saw, when each request reached it; it is no timing assertion: the
// budget counts a call from before it leaves its host until after it is
// answered (decision 0275), so a stalled host or a slow network can only
// spread calls out, never crowd a second beyond the limit.
func checkRate(t *testing.T, reqs []sandbox.RequestRecord, limit int) {
	t.Helper()
	var times []time.Time
	refused := 0
	for _, r := range reqs {
		times = append(times, r.Time)
		if r.Status == 429 {
			refused++
		}
	}
	most := busiestSecond(times)
	if len(times) > 1 {
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		span := times[len(times)-1].Sub(times[0]).Seconds()
		t.Logf("%d calls in %.1f s (%.1f/s overall, kills included); busiest sliding second %d of %d", len(times), span,
			float64(len(times))/span, most, limit)
	}
	if refused > 0 {
		t.Errorf("the sandbox refused %d calls with 429", refused)
	}
	if most > limit {
		t.Errorf("the sandbox saw %d calls in one sliding second; the limit is %d", most, limit)
	}
}
