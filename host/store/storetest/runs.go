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

func testRunsLifecycle(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, nil)
	r := s.Runs()
	if err := r.Create(ctx, store.Run{ID: "run-1", Automation: "onboarding", Kind: "orchestration", Trigger: "ad-event"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Create(ctx, store.Run{ID: "run-1"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate run id: %v, want ErrConflict", err)
	}
	if err := r.Create(ctx, store.Run{}); err == nil {
		t.Fatal("a run without id was created")
	}
	got, err := r.Get(ctx, "run-1")
	if err != nil || got.Status != store.RunRunning || got.Started.IsZero() || got.Trigger != "ad-event" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.AddCounts(ctx, "run-1", map[string]int{"ok": 1, "failed": 2}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := r.AddCounts(ctx, "missing", map[string]int{"ok": 1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("AddCounts to a missing run: %v", err)
	}
	after, _ := r.Get(ctx, "run-1")
	if after.Counts["ok"] != 10 || after.Counts["failed"] != 20 {
		t.Fatalf("concurrent AddCounts lost updates: %v", after.Counts)
	}
	after.Status, after.Finished = store.RunSucceeded, time.Now()
	if err := r.Update(ctx, after); err != nil {
		t.Fatal(err)
	}
	if err := r.Update(ctx, store.Run{ID: "missing"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Update of a missing run: %v", err)
	}
	final, _ := r.Get(ctx, "run-1")
	if final.Status != store.RunSucceeded || final.Finished.IsZero() || final.Counts["ok"] != 10 {
		t.Fatalf("after Update = %+v", final)
	}
	if _, err := r.Get(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
}

func testRunsListNewestFirstWithPaging(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, nil)
	r := s.Runs()
	for i := range 7 {
		auto := "a"
		if i%2 == 1 {
			auto = "b"
		}
		if err := r.Create(ctx, store.Run{ID: fmt.Sprintf("run-%d", i), Automation: auto, Kind: "sync"}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, run := range allPages(t, func(after string) ([]store.Run, string, error) {
		return r.List(ctx, store.RunFilter{Automation: "a", Page: store.Page{Limit: 3, After: after}})
	}) {
		ids = append(ids, run.ID)
	}
	want := []string{"run-6", "run-4", "run-2", "run-0"}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Fatalf("runs of automation a = %v, want %v", ids, want)
	}
}

func testRunEntries(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, nil)
	r := s.Runs()
	if err := r.Append(ctx, store.RunEntry{RunID: "nope", Step: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Append to a missing run: %v, want ErrNotFound", err)
	}
	r.Create(ctx, store.Run{ID: "r"})
	var entries []store.RunEntry
	for i := range 5 {
		outcome := "ok"
		if i == 3 {
			outcome = "failed"
		}
		entries = append(entries, store.RunEntry{RunID: "r", ObjectID: fmt.Sprint(i % 2), Object: "user", Step: "add",
			Outcome: outcome, Request: json.RawMessage(`{"h":"****"}`), Response: json.RawMessage(`{"status":201}`)})
	}
	if err := r.Append(ctx, entries...); err != nil {
		t.Fatal(err)
	}
	page, next, err := r.Entries(ctx, "r", store.EntryFilter{Page: store.Page{Limit: 3}})
	if err != nil || len(page) != 3 || next == "" {
		t.Fatalf("first page = %d entries, next %q, %v", len(page), next, err)
	}
	if string(page[0].Request) != `{"h":"****"}` || page[0].At.IsZero() || page[0].Seq >= page[1].Seq {
		t.Fatalf("entry = %+v", page[0])
	}
	rest, next, _ := r.Entries(ctx, "r", store.EntryFilter{Page: store.Page{Limit: 3, After: next}})
	if len(rest) != 2 || next != "" {
		t.Fatalf("second page = %d entries, next %q", len(rest), next)
	}
	failed, _, _ := r.Entries(ctx, "r", store.EntryFilter{Outcome: "failed"})
	if len(failed) != 1 {
		t.Fatalf("failed entries = %d", len(failed))
	}
	obj1, _, _ := r.Entries(ctx, "r", store.EntryFilter{ObjectID: "1"})
	if len(obj1) != 2 {
		t.Fatalf("entries of object 1 = %d", len(obj1))
	}
}
