package extensions

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultInstallTimeout bounds one install or upgrade from start to end:
// fetching, verifying, unpacking and committing.
const DefaultInstallTimeout = 30 * time.Minute

// DefaultIdleTimeout abandons a download or upload that received nothing
// for this long.
const DefaultIdleTimeout = 60 * time.Second

// operations tracks the installs and upgrades in progress with their
// deadlines, so that one that outlived its deadline (stuck in something
// its context cannot interrupt) shows in the host's readiness.
type operations struct {
	mu   sync.Mutex
	next int
	now  func() time.Time
	ops  map[int]operation
}

type operation struct {
	what     string
	started  time.Time
	deadline time.Time
}

// begin registers an operation and bounds ctx by timeout; done ends both.
func (o *operations) begin(ctx context.Context, what string, timeout time.Duration) (context.Context, func()) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	o.mu.Lock()
	if o.ops == nil {
		o.ops = map[int]operation{}
	}
	o.next++
	id := o.next
	start := o.clock()
	o.ops[id] = operation{what: what, started: start, deadline: start.Add(timeout)}
	o.mu.Unlock()
	return ctx, func() {
		cancel()
		o.mu.Lock()
		delete(o.ops, id)
		o.mu.Unlock()
	}
}

func (o *operations) clock() time.Time {
	if o.now != nil {
		return o.now()
	}
	return time.Now()
}

// stuck describes every operation still running past its deadline, or
// returns nil.
func (o *operations) stuck() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	var late []string
	for _, op := range o.ops {
		if now.After(op.deadline) {
			late = append(late, fmt.Sprintf("%s, running since %s, %s past its deadline",
				op.what, op.started.UTC().Format(time.RFC3339), now.Sub(op.deadline).Round(time.Second)))
		}
	}
	if len(late) == 0 {
		return nil
	}
	sort.Strings(late)
	return fmt.Errorf("extension operations are stuck: %s; the host log has the details, and restarting idbridge ends them", strings.Join(late, "; "))
}

// Stuck reports installs or upgrades that have run past their deadline;
// the host's /readyz shows it, since such an operation ignores
// cancellation and needs an operator.
func (m *Manager) Stuck() error { return m.ops.stuck() }

func (m *Manager) installTimeout() time.Duration {
	if m.cfg.InstallTimeout > 0 {
		return m.cfg.InstallTimeout
	}
	return DefaultInstallTimeout
}

func (m *Manager) idleTimeout() time.Duration {
	if m.cfg.IdleTimeout > 0 {
		return m.cfg.IdleTimeout
	}
	return DefaultIdleTimeout
}
