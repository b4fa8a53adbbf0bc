package watch

import (
	"context"
	"sort"
	"sync"
)

// ObjectState is what the watcher remembers about one user between polls:
// enough to tell what changed, small enough to keep for every user.
type ObjectState struct {
	DN      string `json:"dn"`
	Enabled bool   `json:"enabled"`
	// Attrs holds one hash per watched attribute (absent: no value).
	Attrs map[string]uint64 `json:"attrs,omitempty"`
	// Groups are the lower-cased DNs of the user's direct groups, sorted.
	Groups []string `json:"groups,omitempty"`
}

// Cursor is where the watcher is in the directory's change stream.
type Cursor struct {
	// DSServiceName and InvocationID identify the AD domain controller
	// database the USN belongs to.
	DSServiceName string `json:"dsServiceName,omitempty"`
	InvocationID  string `json:"invocationId,omitempty"`
	// USN is the highestCommittedUSN up to which changes were processed.
	USN int64 `json:"usn,omitempty"`
	// DirSyncCookie is AD's DirSync state (DirSync mode).
	DirSyncCookie []byte `json:"dirSyncCookie,omitempty"`
	// Timestamp is the newest modifyTimestamp seen (non-AD directories).
	Timestamp string `json:"timestamp,omitempty"`
	// CSN is the newest entryCSN seen (OpenLDAP): unique per change, so
	// the next poll asks strictly for later ones.
	CSN string `json:"csn,omitempty"`
	// Initialized is set once the first snapshot is complete.
	Initialized bool `json:"initialized"`
}

// State persists the watcher's snapshot and cursor. Objects are written one
// by one as they change, and the cursor after them, so a crash never moves
// the cursor past an unsaved change.
type State interface {
	LoadCursor(ctx context.Context) (Cursor, error)
	SaveCursor(ctx context.Context, c Cursor) error
	LoadObjects(ctx context.Context, fn func(id string, o ObjectState) error) error
	PutObject(ctx context.Context, id string, o ObjectState) error
	DeleteObject(ctx context.Context, id string) error
}

// MemoryState keeps the state in memory, for tests and for watchers whose
// restart may begin with a fresh snapshot.
type MemoryState struct {
	mu      sync.Mutex
	cursor  Cursor
	objects map[string]ObjectState
}

// NewMemoryState returns an empty state.
func NewMemoryState() *MemoryState { return &MemoryState{objects: map[string]ObjectState{}} }

// LoadCursor implements State.
func (m *MemoryState) LoadCursor(context.Context) (Cursor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursor, nil
}

// SaveCursor implements State.
func (m *MemoryState) SaveCursor(_ context.Context, c Cursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cursor = c
	return nil
}

// LoadObjects implements State, in ID order.
func (m *MemoryState) LoadObjects(_ context.Context, fn func(string, ObjectState) error) error {
	m.mu.Lock()
	ids := make([]string, 0, len(m.objects))
	for id := range m.objects {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	snap := make([]ObjectState, len(ids))
	for i, id := range ids {
		snap[i] = m.objects[id]
	}
	m.mu.Unlock()
	for i, id := range ids {
		if err := fn(id, snap[i]); err != nil {
			return err
		}
	}
	return nil
}

// PutObject implements State.
func (m *MemoryState) PutObject(_ context.Context, id string, o ObjectState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[id] = o
	return nil
}

// DeleteObject implements State.
func (m *MemoryState) DeleteObject(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, id)
	return nil
}
