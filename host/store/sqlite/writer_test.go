package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// TestBatchIsolatesFailures runs three writes in one group commit; the
// middle one fails after writing, and only its work is undone. The second
// round runs the same statements again, now prepared by the writer after
// the first batch, and must behave the same.
func TestBatchIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	// The test plays the writer goroutine, which owns the statement cache.
	s.stopWriter()
	const insert = `INSERT INTO docs (kind, id, body, updated_at) VALUES ('t', ?, '{}', 0)`
	put := func(id string, fail error) func(context.Context, wtx) error {
		return func(ctx context.Context, tx wtx) error {
			if _, err := tx.ExecContext(ctx, insert, id); err != nil {
				return err
			}
			return fail
		}
	}
	boom := errors.New("boom")
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for _, round := range []string{"1", "2"} {
		batch := []writeReq{
			{ctx: ctx, fn: put("a"+round, nil), done: make(chan error, 1)},
			{ctx: ctx, fn: put("b"+round, boom), done: make(chan error, 1)},
			{ctx: canceled, fn: put("x"+round, nil), done: make(chan error, 1)},
			{ctx: ctx, fn: put("c"+round, nil), done: make(chan error, 1)},
		}
		s.commit(batch)
		want := []error{nil, boom, context.Canceled, nil}
		for i, r := range batch {
			if err := <-r.done; !errors.Is(err, want[i]) {
				t.Errorf("round %s, write %d: err = %v, want %v", round, i, err, want[i])
			}
		}
		for id, exists := range map[string]bool{"a": true, "b": false, "x": false, "c": true} {
			var v any
			err := s.Get(ctx, "t", id+round, &v)
			if exists != (err == nil) {
				t.Errorf("round %s, document %s: exists=%v, want %v (%v)", round, id, err == nil, exists, err)
			}
		}
		if s.stmts[insert] == nil || s.stmts[`SAVEPOINT w`] == nil || s.stmts[`ROLLBACK TO w`] == nil {
			t.Fatalf("round %s: the batch's statements were not prepared for the next one", round)
		}
	}
}

func TestWriteAfterCloseFails(t *testing.T) {
	s, _ := openTest(t, Options{})
	s.Close()
	if err := s.Put(context.Background(), "k", "i", 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Put after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Queue().Enqueue(context.Background(), store.NewAction{Lane: "l"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Enqueue after Close: %v, want ErrClosed", err)
	}
}

func TestWriteHonoursCanceledContext(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "k", "i", 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a canceled context: %v", err)
	}
	var v int
	if err := s.Get(context.Background(), "k", "i", &v); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a canceled write was applied: %v", err)
	}
}

// TestLoneWritesLingerOnlyInAStream: a lone write waits for company only
// soon after a commit and while waiting brings company; a caller writing
// in a loop, whose next write never comes during the wait, is tried again
// only once per probeEvery.
func TestLoneWritesLingerOnlyInAStream(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var p lingerPolicy
	p.lastCommit = t0
	if p.lingerLone(t0.Add(streamGap)) {
		t.Fatal("a write after a quiet time lingered")
	}
	if !p.lingerLone(t0.Add(time.Millisecond)) {
		t.Fatal("the first write of a stream did not try lingering")
	}
	p.pays = true // the wait brought company
	if !p.lingerLone(t0.Add(2 * time.Millisecond)) {
		t.Fatal("a write in a stream whose waits bring company did not linger")
	}
	p.pays = false // a caller writing in a loop: the wait brought none
	p.lastCommit = t0.Add(10 * time.Millisecond)
	if p.lingerLone(t0.Add(11 * time.Millisecond)) {
		t.Fatal("a lone writer lingered again right after a wait that brought no company")
	}
	p.lastCommit = t0.Add(probeEvery + time.Millisecond)
	if !p.lingerLone(t0.Add(probeEvery + 2*time.Millisecond)) {
		t.Fatal("a lone writer was not tried again after probeEvery")
	}
}
