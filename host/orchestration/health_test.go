package orchestration

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// errDiskFull is what SQLite answers on a full disk.
var errDiskFull = errors.New("database or disk is full (13)")

// fullStore refuses every write while full is set, as a store on a full
// disk does, and reads as usual.
type fullStore struct {
	store.Backend
	full *atomic.Bool
}

func (s fullStore) refuse() error {
	if s.full.Load() {
		return errDiskFull
	}
	return nil
}

func (s fullStore) Put(ctx context.Context, kind, id string, v any) error {
	if err := s.refuse(); err != nil {
		return err
	}
	return s.Backend.Put(ctx, kind, id, v)
}

func (s fullStore) Queue() store.Queue { return fullQueue{s.Backend.Queue(), s} }
func (s fullStore) Runs() store.Runs   { return fullRuns{s.Backend.Runs(), s} }

type fullQueue struct {
	store.Queue
	s fullStore
}

func (q fullQueue) Enqueue(ctx context.Context, as ...store.NewAction) ([]store.Enqueued, error) {
	if err := q.s.refuse(); err != nil {
		return nil, err
	}
	return q.Queue.Enqueue(ctx, as...)
}

func (q fullQueue) Claim(ctx context.Context, o store.ClaimOptions) ([]store.Action, error) {
	if err := q.s.refuse(); err != nil {
		return nil, err
	}
	return q.Queue.Claim(ctx, o)
}

func (q fullQueue) MarkSending(ctx context.Context, id int64, w string) error {
	if err := q.s.refuse(); err != nil {
		return err
	}
	return q.Queue.MarkSending(ctx, id, w)
}

func (q fullQueue) Complete(ctx context.Context, id int64, w string, r json.RawMessage) error {
	if err := q.s.refuse(); err != nil {
		return err
	}
	return q.Queue.Complete(ctx, id, w, r)
}

func (q fullQueue) Fail(ctx context.Context, id int64, w string, f store.Failure) (store.ActionState, error) {
	if err := q.s.refuse(); err != nil {
		return "", err
	}
	return q.Queue.Fail(ctx, id, w, f)
}

func (q fullQueue) DeadLetter(ctx context.Context, id int64, w, reason string) error {
	if err := q.s.refuse(); err != nil {
		return err
	}
	return q.Queue.DeadLetter(ctx, id, w, reason)
}

func (q fullQueue) Settle(ctx context.Context, set store.Settlement) error {
	if err := q.s.refuse(); err != nil {
		return err
	}
	return q.Queue.Settle(ctx, set)
}

type fullRuns struct {
	store.Runs
	s fullStore
}

func (r fullRuns) Append(ctx context.Context, en ...store.RunEntry) error {
	if err := r.s.refuse(); err != nil {
		return err
	}
	return r.Runs.Append(ctx, en...)
}

// TestFullStorePausesWorkAndResumesWithoutDeadLetters: while the store
// refuses writes the engine says so in Ready and holds its lanes; when the
// disk has room again it resumes by itself, and every user is added once
// with no dead-letter.
func TestFullStorePausesWorkAndResumesWithoutDeadLetters(t *testing.T) {
	full := &atomic.Bool{}
	fs := fullStore{Backend: store.NewMemory(nil), full: full}
	e := newEnv(t, envOptions{store: fs, rateLimit: "200"})
	mustSave(t, e, addOnly("full"))
	ctx := context.Background()
	objs := people("full", 60)
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "full", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.eng.Ready(ctx); err != nil {
		t.Fatalf("ready before the disk filled: %v", err)
	}
	e.start(t)
	deadline := time.Now().Add(30 * time.Second)
	for postsOf(e.sb)[200] < 10 {
		if time.Now().After(deadline) {
			t.Fatal("the run did not get going")
		}
		time.Sleep(5 * time.Millisecond)
	}
	full.Store(true)
	for e.eng.Ready(ctx) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the engine did not notice the full store")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := e.eng.Ready(ctx); !errors.Is(err, ErrStoreUnwritable) {
		t.Fatalf("Ready = %v", err)
	}
	full.Store(false)
	if v := e.wait(t, id, time.Minute); v.Status != store.RunSucceeded {
		t.Fatalf("run ended %s: %s", v.Status, v.Error)
	}
	if err := e.eng.Ready(ctx); err != nil {
		t.Fatalf("still not ready after the disk has room: %v", err)
	}
	if c := counts(t, e); c[store.ActionDead] != 0 {
		t.Fatalf("%d dead-letters after a full disk", c[store.ActionDead])
	}
	checkExactlyOnce(t, e.sb, objs)
}
