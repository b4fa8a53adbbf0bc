package cluster

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/store"
)

// Lease timing. A holder renews every RenewEvery and its lease lasts
// LeaseTTL, so two renewals can fail before it lapses; a standby tries
// every RenewEvery, so a dead holder's work resumes elsewhere within
// LeaseTTL+RenewEvery (8 s), inside the 10 s the product promises. See
// decision 0233.
const (
	LeaseTTL   = 6 * time.Second
	RenewEvery = 2 * time.Second
)

// Singleton runs a function on exactly one host of a store at a time: the
// one holding the lease Name. Every host runs a Singleton for the same
// name; the holder runs Work, the others wait and try again every Renew.
// The holder stops Work as soon as a renewal fails, because past that point
// it cannot know whether another host has taken over: a lost database
// stops the work rather than doubling it.
type Singleton struct {
	// Name is the lease's name, e.g. "watcher".
	Name string
	// Holder names this host in the lease; unique per host.
	Holder string
	// Leases is the store's lease table.
	Leases store.Leases
	// Work is what only one host may run; it must return soon after its
	// context ends. It resumes from what it stored (e.g. the watcher's
	// high-water mark), since any host may run it next.
	Work func(ctx context.Context) error
	// TTL and Renew default to LeaseTTL and RenewEvery.
	TTL, Renew time.Duration
	// Logger receives take-overs and losses; nil discards.
	Logger hclog.Logger

	held     atomic.Bool
	mu       sync.Mutex
	last     store.Lease
	lastErr  error
	acquired atomic.Int64
}

// Held reports whether this host holds the lease now.
func (s *Singleton) Held() bool { return s.held.Load() }

// Last returns the lease as last seen and the error of the last attempt.
func (s *Singleton) Last() (store.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.lastErr
}

// Acquisitions counts how often this host took the lease.
func (s *Singleton) Acquisitions() int64 { return s.acquired.Load() }

// Run competes for the lease until ctx ends, running Work while holding
// it. At the end it stops Work and releases the lease, so a standby takes
// over at its next try instead of waiting for expiry.
func (s *Singleton) Run(ctx context.Context) error {
	if s.TTL <= 0 {
		s.TTL = LeaseTTL
	}
	if s.Renew <= 0 {
		s.Renew = RenewEvery
	}
	log := s.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	log = log.With("lease", s.Name)
	tick := time.NewTicker(s.Renew)
	defer tick.Stop()
	var cur *job
	halt := func() {
		if cur != nil {
			cur.stop()
			cur = nil
		}
		s.held.Store(false)
	}
	defer func() {
		wasHeld := cur != nil
		halt()
		if wasHeld {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.Renew)
			defer cancel()
			if err := s.Leases.ReleaseLease(rctx, s.Name, s.Holder); err != nil {
				log.Warn("could not release the lease; another host takes it when it expires", "error", err)
			}
		}
	}()
	for {
		actx, cancel := context.WithTimeout(ctx, s.Renew)
		l, err := s.Leases.AcquireLease(actx, s.Name, s.Holder, s.TTL)
		cancel()
		s.mu.Lock()
		s.lastErr = err
		if err == nil {
			s.last = l
		}
		s.mu.Unlock()
		mine := err == nil && l.Holder == s.Holder
		switch {
		case ctx.Err() != nil:
			return nil
		case mine && cur == nil:
			log.Info("this host took the lease and starts its work", "takeovers", l.Takeovers)
			s.acquired.Add(1)
			s.held.Store(true)
			cur = startJob(ctx, s.Work, log)
		case !mine && cur != nil:
			if err != nil {
				log.Error("cannot renew the lease; stopping its work until the store answers", "error", err)
			} else {
				log.Warn("another host holds the lease now; stopping its work here", "holder", l.Holder)
			}
			halt()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// job is the lease's work running on this host.
type job struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startJob(ctx context.Context, work func(context.Context) error, log hclog.Logger) *job {
	wctx, cancel := context.WithCancel(ctx)
	j := &job{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(j.done)
		if err := work(wctx); err != nil && !errors.Is(err, context.Canceled) && wctx.Err() == nil {
			log.Error("the lease's work stopped", "error", err)
		}
	}()
	return j
}

// stop ends the work and waits for it.
func (j *job) stop() {
	j.cancel()
	<-j.done
}
