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
	slots  map[string]time.Time
}

// NewMemoryCluster returns leases and rate budgets kept in memory, on the
// clock now (time.Now when nil).
func NewMemoryCluster(now func() time.Time) *MemoryCluster {
	if now == nil {
		now = time.Now
	}
	return &MemoryCluster{now: now, leases: map[string]Lease{}, slots: map[string]time.Time{}}
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

// ReserveSlot implements RateBudget.
func (m *MemoryCluster) ReserveSlot(_ context.Context, lane string, interval time.Duration) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	slot := m.now().Truncate(time.Microsecond)
	if next := m.slots[lane]; next.After(slot) {
		slot = next
	}
	m.slots[lane] = slot.Add(interval)
	return slot, nil
}
