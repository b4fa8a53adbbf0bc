package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Handle supervises one plugin. Its Describe, Test, Fetch and Invoke
// methods make it a connectorv1.ConnectorClient that launches the plugin
// when needed; see the package documentation for the rules.
type Handle struct {
	id     string
	plugin Plugin
	cfg    Config
	log    hclog.Logger

	// startMu serialises launches so that concurrent first calls start one
	// process, not several.
	startMu sync.Mutex

	mu        sync.Mutex
	inst      *instance
	state     State
	since     time.Time
	started   time.Time
	launches  int
	failures  int
	lastErr   error
	nextStart time.Time
	now       func() time.Time
}

func newHandle(id string, p Plugin, cfg Config) *Handle {
	return &Handle{id: id, plugin: p, cfg: cfg, log: cfg.Logger.Named(p.Name), since: time.Now(), now: time.Now}
}

// ID is the key the handle is supervised under.
func (h *Handle) ID() string { return h.id }

// Plugin returns the binary this handle runs.
func (h *Handle) Plugin() Plugin { return h.plugin }

// State returns the current state.
func (h *Handle) State() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// Status returns the admin view of the handle.
func (h *Handle) Status() Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := Status{
		ID: h.id, Name: h.plugin.Name, State: h.state, Since: h.since,
		Launches: h.launches, Restarts: max(h.launches-1, 0), Failures: h.failures,
	}
	if h.inst != nil && h.state == StateRunning {
		s.PID, s.ProtocolVersion = h.inst.pid, h.inst.version
	}
	if h.lastErr != nil {
		s.LastError = h.lastErr.Error()
	}
	if h.state == StateCrashed {
		s.NextStart = h.nextStart
	}
	return s
}

// Start launches the plugin now if it is not running, instead of on the
// first call. It obeys the same backoff and crash-loop rules as calls.
func (h *Handle) Start(ctx context.Context) error {
	_, err := h.acquire(ctx)
	return err
}

// Stop ends the plugin process; the next call launches it again. It is not
// counted as a crash.
func (h *Handle) Stop() {
	h.startMu.Lock()
	defer h.startMu.Unlock()
	h.mu.Lock()
	inst := h.inst
	h.inst = nil
	if h.state == StateRunning {
		h.setState(StateStopped)
	}
	h.mu.Unlock()
	if inst != nil {
		inst.stop()
		h.log.Info("connector stopped")
	}
}

// Reset clears the failure count and the crash-loop or refused state, so
// the next call launches the plugin at once. Admins call it after fixing
// the cause of a crash loop.
func (h *Handle) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures = 0
	h.nextStart = time.Time{}
	if h.state == StateCrashLoop || h.state == StateCrashed || h.state == StateRefused {
		h.setState(StateStopped)
		h.log.Info("connector reset by admin", "last_error", errString(h.lastErr))
	}
}

// remove stops the plugin for good; later calls fail with ErrRemoved.
func (h *Handle) remove() {
	h.startMu.Lock()
	defer h.startMu.Unlock()
	h.mu.Lock()
	inst := h.inst
	h.inst = nil
	h.setState(StateRemoved)
	h.mu.Unlock()
	if inst != nil {
		inst.stop()
		h.log.Info("connector stopped")
	}
}

// acquire returns a client of a running plugin, launching it when needed.
func (h *Handle) acquire(ctx context.Context) (*instance, error) {
	h.mu.Lock()
	if inst := h.running(); inst != nil {
		h.mu.Unlock()
		return inst, nil
	}
	h.mu.Unlock()

	h.startMu.Lock()
	defer h.startMu.Unlock()
	for {
		h.mu.Lock()
		if inst := h.running(); inst != nil { // another call launched it
			h.mu.Unlock()
			return inst, nil
		}
		switch h.state {
		case StateRemoved:
			h.mu.Unlock()
			return nil, fmt.Errorf("connector %s: %w", h.plugin.Name, ErrRemoved)
		case StateCrashLoop:
			err := &CrashLoopError{Name: h.plugin.Name, Failures: h.failures, Since: h.since, Last: h.lastErr}
			h.mu.Unlock()
			return nil, err
		}
		wait := h.nextStart.Sub(h.now())
		h.mu.Unlock()
		if wait <= 0 {
			break
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, fmt.Errorf("connector %s restarts in %s, after this call's deadline (it crashed: %v): %w",
				h.plugin.Name, wait.Round(time.Millisecond), errString(h.lastError()), context.DeadlineExceeded)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("connector %s is waiting %s before its next restart (it crashed: %v): %w",
				h.plugin.Name, wait.Round(time.Millisecond), errString(h.lastError()), err)
		}
	}

	// Launch outside h.mu so Status stays responsive; startMu keeps other
	// launches out. The process does not depend on ctx: it outlives the
	// call that started it.
	inst, err := launch(h.cfg, h.plugin)

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state == StateRemoved { // removed while launching
		if inst != nil {
			go inst.stop()
		}
		return nil, fmt.Errorf("connector %s: %w", h.plugin.Name, ErrRemoved)
	}
	if err != nil {
		var perm errPermanent
		if errors.As(err, &perm) {
			h.lastErr = perm.error
			h.setState(StateRefused)
			h.log.Error("connector refused", "error", perm.error)
			return nil, perm.error
		}
		h.fail(err)
		return nil, h.lastErr
	}
	h.inst = inst
	h.launches++
	h.started = h.now()
	h.setState(StateRunning)
	h.log.Info("connector started", "pid", inst.pid, "protocol", inst.version, "launch", h.launches)
	go h.watch(inst)
	return inst, nil
}

// running returns the live instance, or records its unexpected exit and
// returns nil. Callers hold h.mu.
func (h *Handle) running() *instance {
	if h.inst == nil {
		return nil
	}
	if !h.inst.exited() {
		return h.inst
	}
	h.crashed(h.inst)
	return nil
}

// watch notices an unexpected exit without waiting for the next call, so
// admins see a crashed plugin as crashed.
func (h *Handle) watch(inst *instance) {
	t := time.NewTicker(h.cfg.ExitPollInterval)
	defer t.Stop()
	for range t.C {
		h.mu.Lock()
		if h.inst != inst { // stopped or replaced
			h.mu.Unlock()
			return
		}
		if inst.exited() {
			h.crashed(inst)
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

// crashed records the unexpected exit of inst. Callers hold h.mu.
func (h *Handle) crashed(inst *instance) {
	if h.inst != inst {
		return
	}
	h.inst = nil
	ran := h.now().Sub(h.started)
	if ran >= h.cfg.StableAfter {
		h.failures = 0 // a long healthy run starts a new count
	}
	h.fail(fmt.Errorf("%w after running %s (pid %d; see its log above)", ErrExited, ran.Round(time.Millisecond), inst.pid))
	go inst.stop() // release go-plugin's resources
}

// fail counts one failure and moves to crashed or crash-loop. Callers
// hold h.mu.
func (h *Handle) fail(err error) {
	h.failures++
	h.lastErr = err
	if h.failures >= h.cfg.CrashLoopAfter {
		h.setState(StateCrashLoop)
		h.log.Error("connector is in a crash loop; it stays stopped until reset", "failures", h.failures, "error", err)
		return
	}
	delay := h.cfg.backoff(h.failures)
	h.nextStart = h.now().Add(delay)
	h.setState(StateCrashed)
	h.log.Error("connector failed; it restarts on the next call", "failures", h.failures, "restart_delay", delay, "error", err)
}

// setState changes the state and its timestamp. Callers hold h.mu.
func (h *Handle) setState(s State) {
	if h.state != s {
		h.state = s
		h.since = h.now()
	}
}

func (h *Handle) lastError() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastErr
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func errString(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}
