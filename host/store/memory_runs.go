package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// memoryRuns implements Runs in memory.
type memoryRuns struct {
	mu      sync.Mutex
	now     func() time.Time
	seq     int64
	byID    map[string]*memoryRun
	order   []*memoryRun
	entries []RunEntry
}

type memoryRun struct {
	seq int64
	run Run
}

func copyRun(r Run) Run {
	r.Counts = maps.Clone(r.Counts)
	if r.Counts == nil {
		r.Counts = map[string]int{}
	}
	return r
}

// Create implements Runs.
func (m *memoryRuns) Create(_ context.Context, r Run) error {
	r.Started, r.Finished = ms(r.Started), ms(r.Finished)
	r, err := r.Defaults(m.now())
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byID[r.ID]; ok {
		return fmt.Errorf("run %s already exists: %w", r.ID, ErrConflict)
	}
	m.seq++
	mr := &memoryRun{seq: m.seq, run: copyRun(r)}
	m.byID[r.ID] = mr
	m.order = append(m.order, mr)
	return nil
}

// Update implements Runs.
func (m *memoryRuns) Update(_ context.Context, r Run) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	mr, ok := m.byID[r.ID]
	if !ok {
		return fmt.Errorf("run %s: %w", r.ID, ErrNotFound)
	}
	c := copyRun(r)
	mr.run.Status, mr.run.Finished, mr.run.Counts, mr.run.Error = c.Status, ms(c.Finished), c.Counts, c.Error
	return nil
}

// AddCounts implements Runs.
func (m *memoryRuns) AddCounts(_ context.Context, runID string, delta map[string]int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	mr, ok := m.byID[runID]
	if !ok {
		return fmt.Errorf("run %s: %w", runID, ErrNotFound)
	}
	if mr.run.Counts == nil {
		mr.run.Counts = map[string]int{}
	}
	for k, d := range delta {
		mr.run.Counts[k] += d
	}
	return nil
}

// Get implements Runs.
func (m *memoryRuns) Get(_ context.Context, id string) (Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mr, ok := m.byID[id]
	if !ok {
		return Run{}, fmt.Errorf("run %s: %w", id, ErrNotFound)
	}
	return copyRun(mr.run), nil
}

// List implements Runs.
func (m *memoryRuns) List(_ context.Context, f RunFilter) ([]Run, string, error) {
	before, err := ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	page, next := memoryPage(newestFirst(m.order), f.Page.Size(), func(mr *memoryRun) bool {
		r := mr.run
		return (before == 0 || mr.seq < before) && (f.Automation == "" || r.Automation == f.Automation) &&
			(f.Kind == "" || r.Kind == f.Kind) && (f.Status == "" || r.Status == f.Status)
	}, func(mr *memoryRun) int64 { return mr.seq })
	var out []Run
	for _, mr := range page {
		out = append(out, copyRun(mr.run))
	}
	return out, next, nil
}

// Append implements Runs.
func (m *memoryRuns) Append(_ context.Context, entries ...RunEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range entries {
		if _, ok := m.byID[e.RunID]; !ok {
			return fmt.Errorf("append to run %s: create the run first: %w", e.RunID, ErrNotFound)
		}
	}
	now := m.now()
	for _, e := range entries {
		m.seq++
		e.Seq = m.seq
		e.At = ms(e.At)
		if e.At.IsZero() {
			e.At = now
		}
		e.Request, e.Response = slices.Clone(e.Request), slices.Clone(e.Response)
		m.entries = append(m.entries, e)
	}
	return nil
}

// Entries implements Runs.
func (m *memoryRuns) Entries(_ context.Context, runID string, f EntryFilter) ([]RunEntry, string, error) {
	after, err := ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out, next := memoryPage(slices.Values(m.entries), f.Page.Size(), func(e RunEntry) bool {
		return e.RunID == runID && e.Seq > after && (f.ObjectID == "" || e.ObjectID == f.ObjectID) &&
			(f.Outcome == "" || e.Outcome == f.Outcome)
	}, func(e RunEntry) int64 { return e.Seq })
	return out, next, nil
}
