package store

import (
	"context"
	"sort"
	"sync"
	"time"
)

// MemoryCluster implements Leases and RateBudget in one process: what a
// store that is never shared (SQLite in its data folder, Memory) offers, so
// a lone host runs the same code as hosts on a shared store.
type MemoryCluster struct {
	mu     sync.Mutex
	now    func() time.Time
	leases map[string]Lease
	lanes  map[string]*memLane
}

// memLane is one lane's permits and its next send slot.
type memLane struct {
	permits []memPermit
	next    time.Time
}

// memPermit is one permit: granted (held until heldUntil at the latest) or
// resting until freeAt.
type memPermit struct {
	gen       int64
	held      bool
	heldUntil time.Time
	freeAt    time.Time
}

// free reports whether the permit may be granted at now.
func (p memPermit) free(now time.Time) bool {
	if p.held {
		return !p.heldUntil.After(now)
	}
	return !p.freeAt.After(now)
}

// NewMemoryCluster returns leases and rate budgets kept in memory, on the
// clock now (time.Now when nil).
func NewMemoryCluster(now func() time.Time) *MemoryCluster {
	if now == nil {
		now = time.Now
	}
	return &MemoryCluster{now: now, leases: map[string]Lease{}, lanes: map[string]*memLane{}}
}

var (
	_ Leases     = (*MemoryCluster)(nil)
	_ RateBudget = (*MemoryCluster)(nil)
)

// AcquireLease implements Leases.
func (m *MemoryCluster) AcquireLease(_ context.Context, name, holder string, ttl time.Duration) (Lease, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := ms(m.now())
	l, ok := m.leases[name]
	switch {
	case !ok:
		l = Lease{Name: name, Holder: holder, Since: now}
	case l.Holder == holder:
	case !l.Until.After(now):
		l.Holder, l.Since, l.Takeovers = holder, now, l.Takeovers+1
	default:
		return l, nil
	}
	l.Until = ms(now.Add(ttl))
	m.leases[name] = l
	return l, nil
}

// ReleaseLease implements Leases.
func (m *MemoryCluster) ReleaseLease(_ context.Context, name, holder string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.leases[name]; ok && l.Holder == holder {
		l.Until = time.Time{}
		m.leases[name] = l
	}
	return nil
}

// ListLeases implements Leases.
func (m *MemoryCluster) ListLeases(context.Context) ([]Lease, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Lease, 0, len(m.leases))
	for _, l := range m.leases {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// AcquirePermits implements RateBudget.
func (m *MemoryCluster) AcquirePermits(_ context.Context, req PermitRequest) (PermitGrant, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now().Truncate(time.Microsecond)
	l := m.lanes[req.Lane]
	if l == nil {
		l = &memLane{}
		m.lanes[req.Lane] = l
	}
	for len(l.permits) < req.Permits {
		l.permits = append(l.permits, memPermit{})
	}
	var g PermitGrant
	first := now
	if l.next.After(first) {
		first = l.next
	}
	for i := 0; i < req.Permits && len(g.Permits) < req.Want; i++ {
		p := &l.permits[i]
		if !p.free(now) {
			continue
		}
		p.gen++
		p.held, p.heldUntil = true, now.Add(req.Hold)
		g.Permits = append(g.Permits, Permit{Slot: i, Gen: p.gen, At: first.Add(time.Duration(len(g.Permits)) * req.Interval)})
	}
	if len(g.Permits) > 0 {
		l.next = first.Add(time.Duration(len(g.Permits)) * req.Interval)
		return g, nil
	}
	var resting []time.Time
	for _, p := range l.permits[:req.Permits] {
		if !p.held {
			resting = append(resting, p.freeAt)
		}
	}
	g.Retry = retryAt(now, resting, req)
	return g, nil
}

// retryAt is when req's wanted permits are expected to be free, given when
// the resting ones are: the Want-th to come back, or the last of them when
// fewer rest; with every permit held, one pace of the wanted sends later.
func retryAt(now time.Time, resting []time.Time, req PermitRequest) time.Time {
	if len(resting) == 0 {
		return now.Add(time.Duration(max(req.Want, 1)) * req.Interval)
	}
	sort.Slice(resting, func(i, j int) bool { return resting[i].Before(resting[j]) })
	return resting[min(max(req.Want, 1), len(resting))-1]
}

// ReleasePermits implements RateBudget.
func (m *MemoryCluster) ReleasePermits(_ context.Context, lane string, permits []Permit, rest time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.lanes[lane]
	if l == nil {
		return nil
	}
	freeAt := m.now().Truncate(time.Microsecond).Add(rest)
	for _, g := range permits {
		if g.Slot < 0 || g.Slot >= len(l.permits) {
			continue
		}
		if p := &l.permits[g.Slot]; p.held && p.gen == g.Gen {
			p.held, p.freeAt = false, freeAt
		}
	}
	return nil
}
