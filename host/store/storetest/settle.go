package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// settleFixture opens a backend with run "r" and one action claimed by w1.
func settleFixture(t *testing.T, open Opener) (store.Backend, store.Action, *clock) {
	t.Helper()
	ctx := context.Background()
	c := newClock()
	s := open(t, c.Now)
	if err := s.Runs().Create(ctx, store.Run{ID: "r"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Queue().Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: "o", StepID: "add"}); err != nil {
		t.Fatal(err)
	}
	a := claimOne(t, s.Queue(), "w1")
	if err := s.Queue().MarkSending(ctx, a.ID, "w1"); err != nil {
		t.Fatal(err)
	}
	return s, a, c
}

// settlement is what a worker records for the fixture's action.
func settlement(a store.Action, worker string) store.Settlement {
	return store.Settlement{ID: a.ID, Worker: worker,
		Journal: store.Doc{Kind: "journal", ID: a.Key, Value: map[string]string{"outcome": "ok"}},
		Entries: []store.RunEntry{{RunID: "r", ObjectID: "o", Step: "add", Outcome: "ok"}},
		Next:    []store.NewAction{{Lane: "l", RunID: "r", ObjectID: "o", StepID: "group"}},
		Result:  json.RawMessage(`{"outcome":"ok"}`)}
}

// settled reports what of a settlement the backend holds: the journal's
// outcome ("" when missing), the run's entries and the next step's action
// (zero when missing).
func settled(t *testing.T, s store.Backend) (string, int, store.Action) {
	t.Helper()
	ctx := context.Background()
	var jr map[string]string
	if err := s.Get(ctx, "journal", store.ActionKey("r", "o", "add"), &jr); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	entries, _, err := s.Runs().Entries(ctx, "r", store.EntryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	next, _, err := s.Queue().List(ctx, store.ActionFilter{RunID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range next {
		if a.StepID == "group" {
			return jr["outcome"], len(entries), a
		}
	}
	return jr["outcome"], len(entries), store.Action{}
}

func testSettleWritesEverythingAtOnce(t *testing.T, open Opener) {
	ctx := context.Background()
	s, a, _ := settleFixture(t, open)
	q := s.Queue()
	if err := q.Settle(ctx, settlement(a, "w1")); err != nil {
		t.Fatal(err)
	}
	got, _ := q.Get(ctx, a.ID)
	if got.State != store.ActionDone || string(got.Result) != `{"outcome":"ok"}` || got.Worker != "" {
		t.Fatalf("settled action = %+v", got)
	}
	outcome, entries, next := settled(t, s)
	if outcome != "ok" || entries != 1 || next.State != store.ActionPending {
		t.Fatalf("after Settle: journal %q, %d entries, next %+v", outcome, entries, next)
	}
	// Settling again is a report on an action no longer held; the next
	// action, already queued by key, is not queued twice.
	if err := q.Settle(ctx, settlement(a, "w1")); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("settling twice: %v, want ErrLeaseLost", err)
	}
	if c, _ := q.Counts(ctx, "l"); c[store.ActionPending] != 1 {
		t.Fatalf("pending after a second Settle = %d, want 1", c[store.ActionPending])
	}
}

func testSettleDeadLetters(t *testing.T, open Opener) {
	ctx := context.Background()
	s, a, _ := settleFixture(t, open)
	set := settlement(a, "w1")
	set.Next, set.Result, set.DeadReason = nil, nil, "the app refused the user: check the e-mail"
	if err := s.Queue().Settle(ctx, set); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Queue().Get(ctx, a.ID)
	if got.State != store.ActionDead || got.DeadReason != set.DeadReason || got.Worker != "" {
		t.Fatalf("dead-lettered action = %+v", got)
	}
	if outcome, entries, _ := settled(t, s); outcome != "ok" || entries != 1 {
		t.Fatalf("after Settle: journal %q, %d entries", outcome, entries)
	}
}

// A worker whose lease expired while its call went through still records
// the call, so the new holder settles from the journal instead of
// sending again; the action stays the new holder's.
func testSettleAfterLeaseLostKeepsTheCall(t *testing.T, open Opener) {
	ctx := context.Background()
	s, a, c := settleFixture(t, open)
	q := s.Queue()
	c.Add(2 * time.Minute)
	b := claimOne(t, q, "w2")
	if b.ID != a.ID || !b.InDoubt {
		t.Fatalf("reclaimed action = %+v, want %d in doubt", b, a.ID)
	}
	if err := q.Settle(ctx, settlement(a, "w1")); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("Settle by a worker that lost the lease: %v, want ErrLeaseLost", err)
	}
	got, _ := q.Get(ctx, a.ID)
	if got.State != store.ActionClaimed || got.Worker != "w2" {
		t.Fatalf("action after a stale Settle = %+v, want still claimed by w2", got)
	}
	if outcome, entries, next := settled(t, s); outcome != "ok" || entries != 1 || next.ID == 0 {
		t.Fatalf("a stale Settle lost the call: journal %q, %d entries, next %+v", outcome, entries, next)
	}
	if err := q.Settle(ctx, store.Settlement{ID: 9999, Worker: "w1"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Settle of a missing action: %v, want ErrNotFound", err)
	}
}

// A settlement that cannot be written whole writes nothing: the action
// stays held, so the worker can report the failure.
func testSettleWritesNothingOnError(t *testing.T, open Opener) {
	ctx := context.Background()
	s, a, _ := settleFixture(t, open)
	set := settlement(a, "w1")
	set.Entries = append(set.Entries, store.RunEntry{RunID: "missing", Step: "add", Outcome: "ok"})
	if err := s.Queue().Settle(ctx, set); err == nil {
		t.Fatal("Settle with an entry of a missing run succeeded")
	}
	got, _ := s.Queue().Get(ctx, a.ID)
	if got.State != store.ActionSending || got.Worker != "w1" {
		t.Fatalf("action after a failed Settle = %+v, want still sending under w1", got)
	}
	if outcome, entries, next := settled(t, s); outcome != "" || entries != 0 || next.ID != 0 {
		t.Fatalf("a failed Settle wrote part of it: journal %q, %d entries, next %+v", outcome, entries, next)
	}
}

// A call sent without MarkSending (an idempotent one, decision 0251)
// counts its attempt when it is settled, done or dead; one that was marked
// was counted by the mark and is not counted twice.
func testSettleCountsAnUnmarkedCall(t *testing.T, open Opener) {
	ctx := context.Background()
	c := newClock()
	s := open(t, c.Now)
	q := s.Queue()
	if err := s.Runs().Create(ctx, store.Run{ID: "r"}); err != nil {
		t.Fatal(err)
	}
	for _, obj := range []string{"done", "dead", "marked"} {
		if _, err := q.Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: obj, StepID: "set"}); err != nil {
			t.Fatal(err)
		}
		a := claimOne(t, q, "w1")
		set := store.Settlement{ID: a.ID, Worker: "w1", Result: json.RawMessage(`{}`), CountAttempt: true}
		switch obj {
		case "dead":
			set.Result, set.DeadReason = nil, "the app refused the value"
		case "marked":
			if err := q.MarkSending(ctx, a.ID, "w1"); err != nil {
				t.Fatal(err)
			}
			set.CountAttempt = false
		}
		if err := q.Settle(ctx, set); err != nil {
			t.Fatal(err)
		}
		got, _ := q.Get(ctx, a.ID)
		if got.Attempts != 1 || got.Worker != "" || (got.State != store.ActionDone && got.State != store.ActionDead) {
			t.Errorf("%s: settled action = %+v, want 1 attempt, finished", obj, got)
		}
	}
}
