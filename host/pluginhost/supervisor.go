package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Supervisor runs many plugins, one Handle per key (an integration or
// extension id).
type Supervisor struct {
	cfg Config

	mu      sync.Mutex
	handles map[string]*Handle
	closed  bool
}

// NewSupervisor returns a supervisor; nothing is launched until a handle is
// used or started.
func NewSupervisor(cfg Config) *Supervisor {
	return &Supervisor{cfg: cfg.withDefaults(), handles: map[string]*Handle{}}
}

// ErrDuplicate is returned by Add for a key that is already supervised.
var ErrDuplicate = errors.New("already supervised")

// Add supervises p under id and returns its handle. The plugin is launched
// on first use. To replace a binary (an upgrade), Remove the old handle
// first.
func (s *Supervisor) Add(id string, p Plugin) (*Handle, error) {
	switch {
	case id == "":
		return nil, errors.New("pluginhost: empty id")
	case p.Path == "":
		return nil, fmt.Errorf("connector %s: no binary path", id)
	case p.Name == "":
		p.Name = id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("connector %s: %w", p.Name, ErrRemoved)
	}
	if _, ok := s.handles[id]; ok {
		return nil, fmt.Errorf("connector %q: %w; remove it first to replace it", id, ErrDuplicate)
	}
	h := newHandle(id, p, s.cfg)
	s.handles[id] = h
	return h, nil
}

// Get returns the handle supervised under id.
func (s *Supervisor) Get(id string) (*Handle, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.handles[id]
	return h, ok
}

// Remove stops the plugin under id and forgets it; calls through its
// handle then fail with ErrRemoved. Removing an unknown id does nothing.
func (s *Supervisor) Remove(id string) {
	s.mu.Lock()
	h, ok := s.handles[id]
	delete(s.handles, id)
	s.mu.Unlock()
	if ok {
		h.remove()
	}
}

// Statuses returns the status of every handle, ordered by id.
func (s *Supervisor) Statuses() []Status {
	s.mu.Lock()
	hs := make([]*Handle, 0, len(s.handles))
	for _, h := range s.handles {
		hs = append(hs, h)
	}
	s.mu.Unlock()
	out := make([]Status, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.Status())
	}
	sort.Slice(out, func(i, j int) bool { return strings.Compare(out[i].ID, out[j].ID) < 0 })
	return out
}

// Shutdown stops every plugin, in parallel, and refuses new ones. It
// returns when all have stopped or ctx is done; go-plugin kills a plugin
// that does not exit within two seconds of being asked.
func (s *Supervisor) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	hs := slices.Collect(maps.Values(s.handles))
	s.handles = map[string]*Handle{}
	s.mu.Unlock()

	var wg sync.WaitGroup
	for _, h := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.remove()
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stopping connectors: %w", ctx.Err())
	}
}
