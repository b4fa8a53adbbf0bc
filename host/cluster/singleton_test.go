package cluster_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/cluster"
	"github.com/idbridge/idbridge/host/store"
)

// flakyLeases fails every call while down is set, as a lost database does.
type flakyLeases struct {
	store.Leases
	down atomic.Bool
}

func (f *flakyLeases) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (store.Lease, error) {
	if f.down.Load() {
		return store.Lease{}, errors.New("the store does not answer")
	}
	return f.Leases.AcquireLease(ctx, name, holder, ttl)
}

// work counts how many hosts run it at once and who runs it now.
type work struct {
	mu      sync.Mutex
	running map[string]bool
	most    int
	changed chan struct{}
}

func newWork() *work { return &work{running: map[string]bool{}, changed: make(chan struct{}, 100)} }

func (w *work) fn(name string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		w.mu.Lock()
		w.running[name] = true
		w.most = max(w.most, len(w.running))
		w.mu.Unlock()
		w.changed <- struct{}{}
		<-ctx.Done()
		w.mu.Lock()
		delete(w.running, name)
		w.mu.Unlock()
		w.changed <- struct{}{}
		return nil
	}
}

// waitFor waits until only host runs the work.
func (w *work) waitFor(t *testing.T, host string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		w.mu.Lock()
		ok := len(w.running) == 1 && w.running[host]
		w.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-w.changed:
		case <-deadline:
			t.Fatalf("the work never moved to %s", host)
		}
	}
}

// TestSingletonRunsOnOneHostAndFailsOver runs two hosts' singletons on one
// lease table: one runs the work; when its store stops answering it stops
// the work and the other host takes over once the lease expires; when it
// shuts down it hands the lease over at once.
func TestSingletonRunsOnOneHostAndFailsOver(t *testing.T) {
	shared := store.NewMemoryCluster(nil)
	w := newWork()
	a := &flakyLeases{Leases: shared}
	start := func(name string, leases store.Leases) context.CancelFunc {
		ctx, cancel := context.WithCancel(context.Background())
		s := &cluster.Singleton{Name: "watcher", Holder: name, Leases: leases, Work: w.fn(name),
			TTL: time.Second, Renew: 20 * time.Millisecond}
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		return func() { cancel(); <-done }
	}
	stopA := start("a", a)
	w.waitFor(t, "a")
	stopB := start("b", shared)
	defer stopB()

	a.down.Store(true) // a loses its database: it must stop, b takes over after expiry
	w.waitFor(t, "b")
	a.down.Store(false)
	stopA()

	stopC := start("c", shared)
	stopB() // b shuts down: it releases, c takes over without waiting for expiry
	w.waitFor(t, "c")
	stopC()
	if w.most != 1 {
		t.Fatalf("%d hosts ran the work at once", w.most)
	}
	l, _ := shared.ListLeases(context.Background())
	if len(l) != 1 || l[0].Takeovers != 2 {
		t.Fatalf("leases = %+v; want two takeovers", l)
	}
}
