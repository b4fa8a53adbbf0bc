package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// openQueue opens a backend on a settable clock and returns its queue.
func openQueue(t *testing.T, open Opener) (store.Queue, *clock) {
	t.Helper()
	c := newClock()
	return open(t, c.Now).Queue(), c
}

func claimOne(t *testing.T, q store.Queue, worker string) store.Action {
	t.Helper()
	as, err := q.Claim(context.Background(), store.ClaimOptions{Worker: worker, Lease: time.Minute})
	if err != nil || len(as) != 1 {
		t.Fatalf("Claim(%s) = %d actions, %v; want 1", worker, len(as), err)
	}
	return as[0]
}

func testEnqueueIsIdempotentByKey(t *testing.T, open Opener) {
	ctx := context.Background()
	q, _ := openQueue(t, open)
	a := store.NewAction{Lane: "clockify", RunID: "run1", ObjectID: "u1", StepID: "add", Payload: json.RawMessage(`{"n":1}`)}
	first, err := q.Enqueue(ctx, a)
	if err != nil || first[0].Existed {
		t.Fatalf("first Enqueue = %+v, %v", first, err)
	}
	a.Payload = json.RawMessage(`{"n":2}`)
	again, err := q.Enqueue(ctx, a, store.NewAction{Lane: "clockify", RunID: "run1", ObjectID: "u2", StepID: "add"})
	if err != nil {
		t.Fatal(err)
	}
	if !again[0].Existed || again[0].ID != first[0].ID || again[1].Existed {
		t.Fatalf("second Enqueue = %+v; want the first reported as existing with id %d", again, first[0].ID)
	}
	got, err := q.Get(ctx, first[0].ID)
	if err != nil || string(got.Payload) != `{"n":1}` || got.Key != store.ActionKey("run1", "u1", "add") {
		t.Fatalf("re-enqueue changed the action: %+v, %v", got, err)
	}
	c, _ := q.Counts(ctx, "clockify")
	if c[store.ActionPending] != 2 {
		t.Fatalf("pending = %d, want 2", c[store.ActionPending])
	}
}

func testActionKeyDoesNotCollide(t *testing.T, _ Opener) {
	if store.ActionKey("a/b", "c", "d") == store.ActionKey("a", "b/c", "d") {
		t.Fatal("ActionKey collides when a separator is inside an id")
	}
}

func testClaimCompleteHappyPath(t *testing.T, open Opener) {
	ctx := context.Background()
	q, _ := openQueue(t, open)
	if _, err := q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: "o", StepID: "s"}); err != nil {
		t.Fatal(err)
	}
	a := claimOne(t, q, "w1")
	if a.State != store.ActionClaimed || a.Worker != "w1" || a.InDoubt {
		t.Fatalf("claimed action = %+v", a)
	}
	if more, _ := q.Claim(ctx, store.ClaimOptions{Worker: "w2"}); len(more) != 0 {
		t.Fatalf("a leased action was claimed twice: %+v", more)
	}
	if err := q.MarkSending(ctx, a.ID, "w1"); err != nil {
		t.Fatal(err)
	}
	if err := q.Complete(ctx, a.ID, "w2", nil); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("Complete by a non-holder: %v, want ErrLeaseLost", err)
	}
	if err := q.Complete(ctx, a.ID, "w1", json.RawMessage(`{"id":"x"}`)); err != nil {
		t.Fatal(err)
	}
	got, _ := q.Get(ctx, a.ID)
	if got.State != store.ActionDone || string(got.Result) != `{"id":"x"}` || got.Attempts != 1 || got.Worker != "" {
		t.Fatalf("completed action = %+v", got)
	}
	if err := q.Complete(ctx, a.ID, "w1", nil); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("completing twice: %v, want ErrLeaseLost", err)
	}
	if err := q.MarkSending(ctx, 9999, "w1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("MarkSending of a missing action: %v, want ErrNotFound", err)
	}
}

func testClaimRespectsLaneAndNotBefore(t *testing.T, open Opener) {
	ctx := context.Background()
	q, c := openQueue(t, open)
	_, err := q.Enqueue(ctx,
		store.NewAction{Lane: "a", RunID: "r", ObjectID: "1", StepID: "s"},
		store.NewAction{Lane: "b", RunID: "r", ObjectID: "2", StepID: "s"},
		store.NewAction{Lane: "a", RunID: "r", ObjectID: "3", StepID: "s", NotBefore: c.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	as, err := q.Claim(ctx, store.ClaimOptions{Worker: "w", Lane: "a", Limit: 10})
	if err != nil || len(as) != 1 || as[0].ObjectID != "1" {
		t.Fatalf("Claim lane a = %+v, %v; want only object 1", as, err)
	}
	if err := q.Complete(ctx, as[0].ID, "w", nil); err != nil {
		t.Fatal(err)
	}
	c.Add(2 * time.Hour)
	as, _ = q.Claim(ctx, store.ClaimOptions{Worker: "w", Lane: "a", Limit: 10})
	if len(as) != 1 || as[0].ObjectID != "3" {
		t.Fatalf("after its time, Claim lane a = %+v; want object 3", as)
	}
	if _, err := q.Claim(ctx, store.ClaimOptions{}); err == nil {
		t.Fatal("Claim without a worker id succeeded")
	}
}

// TestCrashRecovery walks the two crash points of the protocol: a worker
// that dies before MarkSending leaves an action that is safe to send, one
// that dies after it leaves an action in doubt.
func testCrashRecovery(t *testing.T, open Opener) {
	ctx := context.Background()
	q, c := openQueue(t, open)
	_, err := q.Enqueue(ctx,
		store.NewAction{Lane: "l", RunID: "r", ObjectID: "before", StepID: "s"},
		store.NewAction{Lane: "l", RunID: "r", ObjectID: "after", StepID: "s"})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := q.Claim(ctx, store.ClaimOptions{Worker: "dead", Limit: 2, Lease: time.Minute})
	if len(as) != 2 {
		t.Fatalf("claimed %d, want 2", len(as))
	}
	if err := q.MarkSending(ctx, as[1].ID, "dead"); err != nil {
		t.Fatal(err)
	}
	// The worker dies. Before the lease expires nothing is claimable.
	c.Add(59 * time.Second)
	if got, _ := q.Claim(ctx, store.ClaimOptions{Worker: "new", Limit: 10}); len(got) != 0 {
		t.Fatalf("claimed %d actions whose lease had not expired", len(got))
	}
	c.Add(2 * time.Second)
	got, err := q.Claim(ctx, store.ClaimOptions{Worker: "new", Limit: 10})
	if err != nil || len(got) != 2 {
		t.Fatalf("reclaim = %d, %v; want 2", len(got), err)
	}
	byObject := map[string]store.Action{}
	for _, a := range got {
		byObject[a.ObjectID] = a
	}
	if byObject["before"].InDoubt {
		t.Error("an action abandoned before MarkSending is marked in doubt; it was never sent")
	}
	if !byObject["after"].InDoubt {
		t.Error("an action abandoned after MarkSending is not in doubt; it may have been sent")
	}
	// The dead worker wakes up: its reports are refused.
	if err := q.Complete(ctx, as[1].ID, "dead", nil); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("late report from the old holder: %v, want ErrLeaseLost", err)
	}
	// The new holder checks, finds the effect present and completes without sending.
	if err := q.Complete(ctx, byObject["after"].ID, "new", json.RawMessage(`{"found":true}`)); err != nil {
		t.Fatal(err)
	}
	if a, _ := q.Get(ctx, byObject["after"].ID); a.InDoubt || a.Attempts != 1 {
		t.Fatalf("after completion: in doubt %v, attempts %d", a.InDoubt, a.Attempts)
	}
}

func testMarkSendingRefusesExpiredLease(t *testing.T, open Opener) {
	ctx := context.Background()
	q, c := openQueue(t, open)
	q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: "o", StepID: "s"})
	a := claimOne(t, q, "w")
	c.Add(2 * time.Minute)
	if err := q.MarkSending(ctx, a.ID, "w"); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("MarkSending on an expired lease: %v, want ErrLeaseLost", err)
	}
	// Extend is how a slow worker avoids that.
	a = claimOne(t, q, "w2")
	c.Add(50 * time.Second)
	if err := q.Extend(ctx, a.ID, "w2", time.Minute); err != nil {
		t.Fatal(err)
	}
	c.Add(50 * time.Second)
	if err := q.MarkSending(ctx, a.ID, "w2"); err != nil {
		t.Fatalf("MarkSending after Extend: %v", err)
	}
	if err := q.Extend(ctx, a.ID, "other", time.Minute); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("Extend by a non-holder: %v", err)
	}
}

func testFailRetriesThenDeadLetters(t *testing.T, open Opener) {
	ctx := context.Background()
	q, c := openQueue(t, open)
	q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: "o", StepID: "s", MaxAttempts: 2})
	a := claimOne(t, q, "w")
	q.MarkSending(ctx, a.ID, "w")
	state, err := q.Fail(ctx, a.ID, "w", store.Failure{Error: "503", RetryAt: c.Now().Add(30 * time.Second)})
	if err != nil || state != store.ActionPending {
		t.Fatalf("first Fail = %s, %v; want pending", state, err)
	}
	if got, _ := q.Claim(ctx, store.ClaimOptions{Worker: "w"}); len(got) != 0 {
		t.Fatal("a failed action was claimable before its retry time")
	}
	c.Add(31 * time.Second)
	a = claimOne(t, q, "w")
	if a.LastError != "503" || a.Attempts != 1 {
		t.Fatalf("retried action = %+v", a)
	}
	q.MarkSending(ctx, a.ID, "w")
	state, err = q.Fail(ctx, a.ID, "w", store.Failure{Error: "timeout", MaybeSent: true})
	if err != nil || state != store.ActionDead {
		t.Fatalf("last Fail = %s, %v; want dead", state, err)
	}
	got, _ := q.Get(ctx, a.ID)
	if got.DeadReason == "" || !got.InDoubt {
		t.Fatalf("dead action = %+v; want a reason and in doubt after a timeout", got)
	}
	if _, err := q.Fail(ctx, a.ID, "w", store.Failure{Error: "x"}); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("Fail of a dead action: %v", err)
	}
	if err := q.Requeue(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	a = claimOne(t, q, "w")
	if a.Attempts != 0 || !a.InDoubt {
		t.Fatalf("requeued action = %+v; want fresh attempts, still in doubt", a)
	}
	if err := q.Requeue(ctx, a.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Requeue of a claimed action: %v, want ErrConflict", err)
	}
	if err := q.Requeue(ctx, 4242); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Requeue of a missing action: %v", err)
	}
}

func testFailBeforeSendingCountsAnAttempt(t *testing.T, open Opener) {
	ctx := context.Background()
	q, _ := openQueue(t, open)
	q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: "o", StepID: "s", MaxAttempts: 2})
	for range 2 {
		a := claimOne(t, q, "w")
		q.Fail(ctx, a.ID, "w", store.Failure{Error: "lookup failed"})
	}
	if got, _, _ := q.List(ctx, store.ActionFilter{State: store.ActionDead}); len(got) != 1 {
		t.Fatal("an action whose pre-send check keeps failing was not dead-lettered")
	}
}

func testLanesAndNextDue(t *testing.T, open Opener) {
	ctx := context.Background()
	q, c := openQueue(t, open)
	if lanes, err := q.Lanes(ctx); err != nil || len(lanes) != 0 {
		t.Fatalf("Lanes of an empty queue = %v, %v", lanes, err)
	}
	if next, err := q.NextDue(ctx, ""); err != nil || !next.IsZero() {
		t.Fatalf("NextDue of an empty queue = %v, %v", next, err)
	}
	in := func(d time.Duration) time.Time { return c.Now().Add(d) }
	q.Enqueue(ctx,
		store.NewAction{Lane: "b", RunID: "r", ObjectID: "1", StepID: "s", NotBefore: in(time.Hour)},
		store.NewAction{Lane: "a", RunID: "r", ObjectID: "2", StepID: "s", NotBefore: in(10 * time.Minute)},
		store.NewAction{Lane: "c", RunID: "r", ObjectID: "3", StepID: "s"})
	if lanes, _ := q.Lanes(ctx); fmt.Sprint(lanes) != "[a b c]" {
		t.Fatalf("Lanes = %v, want [a b c]", lanes)
	}
	if next, _ := q.NextDue(ctx, "b"); !next.Equal(in(time.Hour)) {
		t.Fatalf("NextDue(b) = %v, want %v", next, in(time.Hour))
	}
	if next, _ := q.NextDue(ctx, ""); !next.Equal(c.Now()) {
		t.Fatalf("NextDue() = %v, want now (%v)", next, c.Now())
	}
	// A leased action is due again when its lease expires; a finished lane
	// disappears.
	a := claimOne(t, q, "w")
	if next, _ := q.NextDue(ctx, "c"); !next.Equal(in(time.Minute)) {
		t.Fatalf("NextDue(c) while leased = %v, want the lease expiry %v", next, in(time.Minute))
	}
	q.Complete(ctx, a.ID, "w", nil)
	if lanes, _ := q.Lanes(ctx); fmt.Sprint(lanes) != "[a b]" {
		t.Fatalf("Lanes after lane c finished = %v", lanes)
	}
	if next, _ := q.NextDue(ctx, "c"); !next.IsZero() {
		t.Fatalf("NextDue of a finished lane = %v", next)
	}
}

func testDeadLetterAndListAndCounts(t *testing.T, open Opener) {
	ctx := context.Background()
	q, _ := openQueue(t, open)
	for i := range 5 {
		q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: fmt.Sprint(i), StepID: "s"})
	}
	q.Enqueue(ctx, store.NewAction{Lane: "other", RunID: "r2", ObjectID: "x", StepID: "s"})
	a := claimOne(t, q, "w")
	if err := q.DeadLetter(ctx, a.ID, "w", "the app refused the e-mail address"); err != nil {
		t.Fatal(err)
	}
	c, _ := q.Counts(ctx, "l")
	if c[store.ActionDead] != 1 || c[store.ActionPending] != 4 || c[store.ActionDone] != 0 {
		t.Fatalf("Counts(l) = %v", c)
	}
	all, _ := q.Counts(ctx, "")
	if all[store.ActionPending] != 5 {
		t.Fatalf("Counts() = %v", all)
	}
	var ids []int64
	for _, a := range allPages(t, func(after string) ([]store.Action, string, error) {
		return q.List(ctx, store.ActionFilter{RunID: "r", Page: store.Page{Limit: 2, After: after}})
	}) {
		ids = append(ids, a.ID)
	}
	if len(ids) != 5 {
		t.Fatalf("paged list of run r = %v, want 5 actions", ids)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("list not in id order: %v", ids)
		}
	}
	if _, _, err := q.List(ctx, store.ActionFilter{Page: store.Page{After: "nonsense"}}); err == nil {
		t.Fatal("a malformed cursor was accepted")
	}
}

// TestConcurrentWorkersDoEachActionOnce runs several workers against one
// queue and checks that every action is completed exactly once.
func testConcurrentWorkersDoEachActionOnce(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, nil)
	q := s.Queue()
	const n = 300
	batch := make([]store.NewAction, n)
	for i := range batch {
		batch[i] = store.NewAction{Lane: "l", RunID: "r", ObjectID: fmt.Sprint(i), StepID: "s"}
	}
	if _, err := q.Enqueue(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	done := map[int64]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker := fmt.Sprintf("w%d", w)
			for {
				as, err := q.Claim(ctx, store.ClaimOptions{Worker: worker, Limit: 7})
				if err != nil {
					t.Error(err)
					return
				}
				if len(as) == 0 {
					return
				}
				for _, a := range as {
					if err := q.MarkSending(ctx, a.ID, worker); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					done[a.ID]++
					mu.Unlock()
					if err := q.Complete(ctx, a.ID, worker, nil); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(done) != n {
		t.Fatalf("%d actions done, want %d", len(done), n)
	}
	for id, k := range done {
		if k != 1 {
			t.Fatalf("action %d sent %d times", id, k)
		}
	}
}

// testReleaseFreesAWorkersLeasesAtOnce: a restarted host takes back its
// earlier process's leases without waiting for them to expire; the claimed
// one was never sent, the sending one is in doubt, another worker's lease
// is untouched.
func testReleaseFreesAWorkersLeasesAtOnce(t *testing.T, open Opener) {
	ctx := context.Background()
	q, _ := openQueue(t, open)
	for _, s := range []string{"a", "b", "c", "d"} {
		if _, err := q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: "o", StepID: s}); err != nil {
			t.Fatal(err)
		}
	}
	claimed := claimOne(t, q, "old")
	sending := claimOne(t, q, "old")
	if err := q.MarkSending(ctx, sending.ID, "old"); err != nil {
		t.Fatal(err)
	}
	other := claimOne(t, q, "other")
	n, err := q.Release(ctx, "old")
	if err != nil || n != 2 {
		t.Fatalf("Release = %d, %v; want 2", n, err)
	}
	// Two places: the released actions come before the older pending one.
	got, err := q.Claim(ctx, store.ClaimOptions{Worker: "new", Limit: 2, Lease: time.Minute})
	if err != nil || len(got) != 2 {
		t.Fatalf("claim after release = %+v, %v; want both released actions at once, first", got, err)
	}
	for _, a := range got {
		switch a.ID {
		case claimed.ID:
			if a.InDoubt || a.Attempts != 0 {
				t.Errorf("a claimed action that was never sent came back as %+v", a)
			}
		case sending.ID:
			if !a.InDoubt {
				t.Errorf("a sending action came back without the in-doubt mark: %+v", a)
			}
		default:
			t.Errorf("released %d, which %s holds", a.ID, "other")
		}
	}
	if a, err := q.Get(ctx, other.ID); err != nil || a.Worker != "other" || a.State != store.ActionClaimed {
		t.Fatalf("another worker's lease changed: %+v, %v", a, err)
	}
	if n, err := q.Release(ctx, "nobody"); err != nil || n != 0 {
		t.Fatalf("Release of a worker without leases = %d, %v", n, err)
	}
}

// testListWhatAWorkerHolds lists one worker's (one host's) held actions:
// claimed and sending ones, not those it finished or another holds.
func testListWhatAWorkerHolds(t *testing.T, open Opener) {
	ctx := context.Background()
	q, _ := openQueue(t, open)
	for i := range 4 {
		if _, err := q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: fmt.Sprint(i), StepID: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	mine, err := q.Claim(ctx, store.ClaimOptions{Worker: "host-a", Limit: 3, Lease: time.Minute})
	if err != nil || len(mine) != 3 {
		t.Fatalf("claim = %d, %v", len(mine), err)
	}
	claimOne(t, q, "host-b")
	if err := q.MarkSending(ctx, mine[0].ID, "host-a"); err != nil {
		t.Fatal(err)
	}
	if err := q.Complete(ctx, mine[1].ID, "host-a", nil); err != nil {
		t.Fatal(err)
	}
	held, _, err := q.List(ctx, store.ActionFilter{Worker: "host-a"})
	if err != nil || len(held) != 2 || held[0].ID != mine[0].ID || held[0].State != store.ActionSending ||
		held[1].ID != mine[2].ID || held[1].State != store.ActionClaimed {
		t.Fatalf("host-a holds %+v (%v); want its sending and its claimed action", held, err)
	}
}
