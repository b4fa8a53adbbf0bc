package store

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// memoryAudit implements Audit in memory; entries are never changed.
type memoryAudit struct {
	mu      sync.Mutex
	now     func() time.Time
	entries []AuditEntry
}

// Append implements Audit.
func (m *memoryAudit) Append(_ context.Context, e AuditEntry) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.At = ms(e.At)
	if e.At.IsZero() {
		e.At = m.now()
	}
	e.Seq = int64(len(m.entries) + 1)
	e.Before, e.After = slices.Clone(e.Before), slices.Clone(e.After)
	m.entries = append(m.entries, e)
	return e.Seq, nil
}

// List implements Audit.
func (m *memoryAudit) List(_ context.Context, f AuditFilter) ([]AuditEntry, string, error) {
	before, err := ParseCursor(f.Page.After)
	if err != nil {
		return nil, "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out, next := memoryPage(newestFirst(m.entries), f.Page.Size(), func(e AuditEntry) bool {
		return (before == 0 || e.Seq < before) && (f.Actor == "" || e.Actor == f.Actor) &&
			(f.Action == "" || e.Action == f.Action) && strings.HasPrefix(e.Target, f.Target) &&
			(f.Since.IsZero() || !e.At.Before(ms(f.Since))) && (f.Until.IsZero() || e.At.Before(ms(f.Until)))
	}, func(e AuditEntry) int64 { return e.Seq })
	return out, next, nil
}
