package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// MemoryDocs is a Docs kept in memory. Tests of packages that persist
// through Docs use it so they need no database; it encodes values as JSON
// exactly like the SQLite backend, so shape mistakes show up here too.
type MemoryDocs struct {
	mu   sync.RWMutex
	docs map[string]map[string][]byte
}

// NewMemoryDocs returns an empty in-memory document store.
func NewMemoryDocs() *MemoryDocs {
	return &MemoryDocs{docs: map[string]map[string][]byte{}}
}

var _ Docs = (*MemoryDocs)(nil)

// Get implements Docs.
func (m *MemoryDocs) Get(_ context.Context, kind, id string, v any) error {
	m.mu.RLock()
	raw, ok := m.docs[kind][id]
	m.mu.RUnlock()
	if !ok {
		return fmt.Errorf("%s %q: %w", kind, id, ErrNotFound)
	}
	return json.Unmarshal(raw, v)
}

// Put implements Docs.
func (m *MemoryDocs) Put(_ context.Context, kind, id string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %q: %w", kind, id, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.docs[kind] == nil {
		m.docs[kind] = map[string][]byte{}
	}
	m.docs[kind][id] = raw
	return nil
}

// Delete implements Docs.
func (m *MemoryDocs) Delete(_ context.Context, kind, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.docs[kind], id)
	return nil
}

// List implements Docs.
func (m *MemoryDocs) List(_ context.Context, kind string, fn func(id string, decode func(v any) error) error) error {
	m.mu.RLock()
	ids := make([]string, 0, len(m.docs[kind]))
	raws := make(map[string][]byte, len(m.docs[kind]))
	for id, raw := range m.docs[kind] {
		ids = append(ids, id)
		raws[id] = raw
	}
	m.mu.RUnlock()
	sort.Strings(ids)
	for _, id := range ids {
		raw := raws[id]
		if err := fn(id, func(v any) error { return json.Unmarshal(raw, v) }); err != nil {
			return err
		}
	}
	return nil
}
