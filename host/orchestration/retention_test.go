package orchestration

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// backends are the store backends retention is checked on.
var backends = []string{"memory", "sqlite"}

// openStore opens a fresh store of the named backend for one test.
func openStore(t testing.TB, backend string) store.Backend {
	t.Helper()
	if backend == "memory" {
		return store.NewMemory(nil)
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// bareEngine is an engine over st that needs no integration: pruning reads
// and writes the store only.
func bareEngine(t testing.TB, st store.Backend, tune func(*Config)) *Engine {
	t.Helper()
	cfg := Config{Docs: st, Queue: st.Queue(), Runs: st.Runs(), Webhooks: outbound.New(outbound.Config{Docs: st})}
	if tune != nil {
		tune(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// fixtureAction is an action of a crafted run and where it ends up.
type fixtureAction struct {
	step    string
	state   store.ActionState // done, dead, pending or sending
	reason  string            // dead reason
	journal bool              // a journal entry exists for it
}

// fixtureRun is a run crafted directly in the store, as the engine would
// have left it.
type fixtureRun struct {
	id       string
	status   store.RunStatus
	finished time.Time // zero while running or waiting
	actions  []fixtureAction
}

// seed records the run, its actions in their states, its journal entries,
// one run entry and the run document, and returns the action keys by step.
func seed(t *testing.T, st store.Backend, r fixtureRun) map[string]string {
	t.Helper()
	ctx := context.Background()
	q := st.Queue()
	if err := st.Runs().Create(ctx, store.Run{ID: r.id, Kind: RunKind, Automation: "a", Status: store.RunRunning}); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, DocRun, r.id, runDoc{ID: r.id, Objects: 1, Enqueued: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.Runs().Append(ctx, store.RunEntry{RunID: r.id, ObjectID: "o", Step: "s", Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	// Settled and sending actions are claimed first; pending ones are
	// queued after, so the claim leaves them alone.
	var claimed, pending []fixtureAction
	for _, a := range r.actions {
		if a.state == store.ActionPending {
			pending = append(pending, a)
		} else {
			claimed = append(claimed, a)
		}
	}
	enqueue := func(as []fixtureAction) {
		for _, a := range as {
			if _, err := q.Enqueue(ctx, store.NewAction{Lane: r.id, RunID: r.id, ObjectID: "o", StepID: a.step, Payload: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
			keys[a.step] = store.ActionKey(r.id, "o", a.step)
		}
	}
	enqueue(claimed)
	if len(claimed) > 0 {
		acts, err := q.Claim(ctx, store.ClaimOptions{Worker: "w", Lane: r.id, Limit: len(claimed), Lease: time.Hour})
		if err != nil || len(acts) != len(claimed) {
			t.Fatalf("claim: %v, %d of %d", err, len(acts), len(claimed))
		}
		for i, a := range acts {
			want := claimed[i]
			if err := q.MarkSending(ctx, a.ID, "w"); err != nil {
				t.Fatal(err)
			}
			switch want.state {
			case store.ActionDone:
				err = q.Complete(ctx, a.ID, "w", []byte(`{}`))
			case store.ActionDead:
				err = q.DeadLetter(ctx, a.ID, "w", want.reason)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	enqueue(pending)
	for _, a := range r.actions {
		if a.journal {
			if err := st.Put(ctx, DocJournal, keys[a.step], journal{Done: true, Outcome: OutcomeOK}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r.status != store.RunRunning {
		if err := st.Runs().Update(ctx, store.Run{ID: r.id, Status: r.status, Finished: r.finished,
			Counts: map[string]int{"objects": 1}}); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func hasJournal(t *testing.T, st store.Docs, key string) bool {
	t.Helper()
	var j journal
	err := st.Get(context.Background(), DocJournal, key, &j)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func TestPruneJournalsDeletesOnlyThoseOfRunsFinishedBeforeTheCutoff(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t, backend)
			e := bareEngine(t, st, nil)
			now := time.Now()
			old, recent := now.Add(-40*24*time.Hour), now.Add(-24*time.Hour)
			sent := func(step string) fixtureAction {
				return fixtureAction{step: step, state: store.ActionDone, journal: true}
			}
			runs := []struct {
				fixtureRun
				pruned bool
			}{
				{fixtureRun{"old-ok", store.RunSucceeded, old, []fixtureAction{sent("a"), sent("b"), {step: "cond", state: store.ActionDone}}}, true},
				{fixtureRun{"old-failed", store.RunFailed, old, []fixtureAction{
					{step: "a", state: store.ActionDead, reason: "the app said no", journal: true}}}, true},
				{fixtureRun{"old-partial", store.RunPartial, old, []fixtureAction{sent("a"),
					{step: "b", state: store.ActionDead, reason: "step failed", journal: true}}}, true},
				{fixtureRun{"old-canceled-idle", store.RunCanceled, old, nil}, true},
				{fixtureRun{"recent-ok", store.RunSucceeded, recent, []fixtureAction{sent("a")}}, false},
				{fixtureRun{"running", store.RunRunning, time.Time{}, []fixtureAction{sent("a"), {step: "b", state: store.ActionPending}}}, false},
				{fixtureRun{"waiting", store.RunWaiting, time.Time{}, nil}, false},
				// Finished long ago as far as the record says, but a call is
				// in doubt and waits for an admin's retry.
				{fixtureRun{"old-in-doubt", store.RunFailed, old, []fixtureAction{sent("a"),
					{step: "b", state: store.ActionDead, reason: ErrInDoubt.Error()}}}, false},
				// Canceled while a call was in flight: the call's outcome
				// is still to be reported.
				{fixtureRun{"old-canceled-sending", store.RunCanceled, old, []fixtureAction{sent("a"),
					{step: "b", state: store.ActionSending, journal: true}}}, false},
				{fixtureRun{"old-canceled-queued", store.RunCanceled, old, []fixtureAction{{step: "b", state: store.ActionPending}}}, false},
			}
			keys := map[string]map[string]string{}
			for _, r := range runs {
				keys[r.id] = seed(t, st, r.fixtureRun)
			}
			if err := st.Put(ctx, DocTemplate, "tpl", Template{ID: "tpl"}); err != nil {
				t.Fatal(err)
			}

			rep, err := e.PruneJournals(ctx, now.Add(-DefaultJournalRetention))
			if err != nil {
				t.Fatal(err)
			}
			want := PruneReport{Runs: 4, Journals: 5, Kept: 3}
			if rep != want {
				t.Errorf("report = %+v, want %+v", rep, want)
			}
			for _, r := range runs {
				rec, err := st.Runs().Get(ctx, r.id)
				if err != nil {
					t.Fatal(err)
				}
				if rec.Status != r.status || !rec.Finished.Equal(r.finished.Truncate(time.Millisecond)) {
					t.Errorf("%s: the run record changed: %s %s", r.id, rec.Status, rec.Finished)
				}
				n, marked := rec.Counts[CountJournalPruned]
				if marked != r.pruned {
					t.Errorf("%s: marked pruned = %v (%d), want %v", r.id, marked, n, r.pruned)
				}
				for _, a := range r.actions {
					if !a.journal {
						continue
					}
					if got := hasJournal(t, st, keys[r.id][a.step]); got == r.pruned {
						t.Errorf("%s step %s: journal present = %v after the pass", r.id, a.step, got)
					}
				}
				// History stays: the run's entries and its document.
				es, _, err := st.Runs().Entries(ctx, r.id, store.EntryFilter{})
				if err != nil || len(es) != 1 {
					t.Errorf("%s: entries after pruning: %d, %v", r.id, len(es), err)
				}
				var doc runDoc
				if err := st.Get(ctx, DocRun, r.id, &doc); err != nil {
					t.Errorf("%s: run document: %v", r.id, err)
				}
			}
			if rec, _ := st.Runs().Get(ctx, "old-ok"); rec.Counts[CountJournalPruned] != 2 {
				t.Errorf("old-ok counts %v; want %s=2", rec.Counts, CountJournalPruned)
			}
			if err := st.Get(ctx, DocTemplate, "tpl", &Template{}); err != nil {
				t.Errorf("the template went with the journals: %v", err)
			}

			// A second pass finds nothing new and leaves the kept runs alone.
			rep, err = e.PruneJournals(ctx, now.Add(-DefaultJournalRetention))
			if err != nil {
				t.Fatal(err)
			}
			if want := (PruneReport{Kept: 3}); rep != want {
				t.Errorf("second pass = %+v, want %+v", rep, want)
			}
		})
	}
}

func TestPruneJournalsStopsAtItsBudgetAndResumes(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t, backend)
			e := bareEngine(t, st, func(c *Config) { c.JournalPruneBatch = 3 })
			old := time.Now().Add(-40 * 24 * time.Hour)
			for _, id := range []string{"r1", "r2", "r3"} {
				seed(t, st, fixtureRun{id, store.RunSucceeded, old, []fixtureAction{
					{step: "a", state: store.ActionDone, journal: true}, {step: "b", state: store.ActionDone, journal: true}}})
			}
			cutoff := time.Now().Add(-DefaultJournalRetention)
			rep, err := e.PruneJournals(ctx, cutoff)
			if err != nil {
				t.Fatal(err)
			}
			if want := (PruneReport{Runs: 2, Journals: 4, More: true}); rep != want {
				t.Fatalf("first pass = %+v, want %+v", rep, want)
			}
			rep, err = e.PruneJournals(ctx, cutoff)
			if err != nil {
				t.Fatal(err)
			}
			if want := (PruneReport{Runs: 1, Journals: 2}); rep != want {
				t.Fatalf("second pass = %+v, want %+v", rep, want)
			}
			n := 0
			if err := st.List(ctx, DocJournal, func(string, func(any) error) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d journal entries left", n)
			}
		})
	}
}

func TestRetainJournalsPrunesPeriodicallyAndLogsTheCount(t *testing.T) {
	st := store.NewMemory(nil)
	var logs testlog.Buffer
	// The clock runs 31 days ahead, so a run finished a moment ago is past
	// the default retention.
	e := bareEngine(t, st, func(c *Config) {
		c.Now = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
		c.JournalPruneInterval = 10 * time.Millisecond
		c.Logger = hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.RetainJournals(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RetainJournals: %v", err)
		}
	}()
	// Seeded after the loop started: a later pass, not the first, finds it.
	keys := seed(t, st, fixtureRun{"r", store.RunSucceeded, time.Now(), []fixtureAction{{step: "a", state: store.ActionDone, journal: true}}})
	deadline := time.Now().Add(10 * time.Second)
	for hasJournal(t, st, keys["a"]) || !strings.Contains(logs.String(), "journals=1") {
		if time.Now().After(deadline) {
			t.Fatalf("the journal was not pruned; log:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "pruned journals of finished runs") {
		t.Errorf("no pass was logged:\n%s", logs.String())
	}
}

func TestRetainJournalsOffKeepsEverything(t *testing.T) {
	st := store.NewMemory(nil)
	var logs testlog.Buffer
	e := bareEngine(t, st, func(c *Config) {
		c.JournalRetention = -1
		c.Now = func() time.Time { return time.Now().Add(365 * 24 * time.Hour) }
		c.JournalPruneInterval = time.Millisecond
		c.Logger = hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})
	})
	keys := seed(t, st, fixtureRun{"r", store.RunSucceeded, time.Now(), []fixtureAction{{step: "a", state: store.ActionDone, journal: true}}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := e.RetainJournals(ctx); err != nil {
		t.Fatal(err)
	}
	if !hasJournal(t, st, keys["a"]) {
		t.Error("retention is off, yet the journal was deleted")
	}
	if !strings.Contains(logs.String(), "journal retention is off") {
		t.Errorf("the host did not say retention is off:\n%s", logs.String())
	}
}

func TestNewRefusesATooShortJournalRetention(t *testing.T) {
	st := store.NewMemory(nil)
	_, err := New(Config{Docs: st, Queue: st.Queue(), Runs: st.Runs(), Webhooks: outbound.New(outbound.Config{Docs: st}),
		JournalRetention: 5 * time.Minute})
	if !errors.Is(err, ErrRetentionTooShort) || !strings.Contains(err.Error(), "5m0s") {
		t.Fatalf("err = %v, want ErrRetentionTooShort naming 5m0s", err)
	}
}

// journalKeys lists the run's action keys that have a journal entry.
func journalKeys(t *testing.T, st store.Backend, runID string) []string {
	t.Helper()
	acts, _, err := st.Queue().List(context.Background(), store.ActionFilter{RunID: runID, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range acts {
		if hasJournal(t, st, a.Key) {
			out = append(out, a.Key)
		}
	}
	return out
}

func TestInDoubtCallIsStillResolvedFromItsJournalAfterAPrunePass(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, envOptions{store: openStore(t, backend)})
			tm := addOnly("bare")
			tm.Steps[0].Verify, tm.Steps[0].InDoubt = nil, InDoubtAdmin // without its journal the call could only be dead-lettered
			mustSave(t, e, tm)
			id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "bare", Objects: people("journaled", 1)})
			if err != nil {
				t.Fatal(err)
			}
			// The crashed host sent the call and wrote its journal entry, but
			// never reported to the queue.
			strand(t, e, id)
			acts, _, err := e.st.Queue().List(ctx, store.ActionFilter{RunID: id})
			if err != nil || len(acts) != 1 {
				t.Fatalf("actions: %v %+v", err, acts)
			}
			if err := e.st.Put(ctx, DocJournal, acts[0].Key, journal{Done: true, Outcome: OutcomeOK}); err != nil {
				t.Fatal(err)
			}
			// Every run is "old" for this pass; the in-doubt one must be left
			// alone all the same.
			if rep, err := e.eng.PruneJournals(ctx, time.Now().Add(time.Hour)); err != nil || rep.Journals != 0 {
				t.Fatalf("pass while in doubt: %+v, %v", rep, err)
			}
			e.start(t)
			if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
				t.Fatalf("run ended %s (%s); the journal should have resolved the call", v.Status, v.Error)
			}
			if n := len(e.sb.Requests()); n != 0 {
				t.Fatalf("the journaled call was sent again (%d requests)", n)
			}
			rep, err := e.eng.PruneJournals(ctx, time.Now().Add(time.Hour))
			if err != nil || rep.Runs != 1 || rep.Journals != 1 {
				t.Fatalf("pass after the run finished: %+v, %v", rep, err)
			}
			if left := journalKeys(t, e.st, id); len(left) != 0 {
				t.Errorf("journal entries left: %v", left)
			}
			v, err := e.eng.Status(ctx, id)
			if err != nil || v.Status != store.RunSucceeded || v.Counts[CountJournalPruned] != 1 {
				t.Errorf("run after pruning: %+v, %v", v, err)
			}
		})
	}
}

func TestRunWithACallInDoubtKeepsItsJournalUntilAnAdminRetries(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, envOptions{store: openStore(t, backend)})
			tm := addOnly("bare")
			tm.Steps[0].Verify, tm.Steps[0].InDoubt = nil, InDoubtAdmin
			mustSave(t, e, tm)
			objs := people("held", 2)
			id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "bare", Objects: objs})
			if err != nil {
				t.Fatal(err)
			}
			strand(t, e, id)
			e.start(t)
			if v := e.wait(t, id, 30*time.Second); v.Status != store.RunPartial {
				t.Fatalf("run ended %s (%s); want partial with one call in doubt", v.Status, v.Error)
			}
			before := journalKeys(t, e.st, id)
			if len(before) != 1 {
				t.Fatalf("journal entries of the finished run: %v", before)
			}
			rep, err := e.eng.PruneJournals(ctx, time.Now().Add(time.Hour))
			if err != nil || rep != (PruneReport{Kept: 1}) {
				t.Fatalf("pass over a run in doubt: %+v, %v", rep, err)
			}
			if after := journalKeys(t, e.st, id); len(after) != 1 {
				t.Fatalf("the run in doubt lost its journal: %v", after)
			}
			if n, err := e.eng.Retry(ctx, id, ""); err != nil || n != 1 {
				t.Fatalf("retry: %d, %v", n, err)
			}
			if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
				t.Fatalf("after the retry the run is %s: %s", v.Status, v.Error)
			}
			rep, err = e.eng.PruneJournals(ctx, time.Now().Add(time.Hour))
			if err != nil || rep != (PruneReport{Runs: 1, Journals: 2}) {
				t.Fatalf("pass after the retry: %+v, %v", rep, err)
			}
			checkExactlyOnce(t, e.sb, objs)
		})
	}
}
