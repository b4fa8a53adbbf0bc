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
	removed   chan struct{} // closed by remove
	now       func() time.Time
}

func newHandle(id string, p Plugin, cfg Config) *Handle {
	return &Handle{id: id, plugin: p, cfg: cfg, log: cfg.Logger.Named(p.Name), since: time.Now(), removed: make(chan struct{}), now: time.Now}
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

// remove stops the plugin for good; later calls fail with ErrRemoved. It
// returns once no process of this handle runs, waiting for a launch in
// progress (bounded by StartTimeout) to end.
func (h *Handle) remove() {
	h.mu.Lock()
	inst := h.inst
	h.inst = nil
	if h.state != StateRemoved {
		h.setState(StateRemoved)
		close(h.removed) // wakes calls waiting for a restart
	}
	h.mu.Unlock()
	if inst != nil {
		inst.stop()
		h.log.Info("connector stopped")
	}
	// Wait for a launch in progress: it sees StateRemoved and stops its
	// process. The empty section is the point.
	h.startMu.Lock()
	//lint:ignore SA2001 waiting for the holder is all this lock is taken for
	h.startMu.Unlock()
}

// acquire returns a client of a running plugin, launching it when needed.
func (h *Handle) acquire(ctx context.Context) (*instance, error) {
	for {
		inst, wait, err := h.ready()
		if inst != nil || err != nil {
			return inst, err
		}
		if wait > 0 {
			// Wait without holding startMu, so Stop and Remove are never
			// stuck behind a backoff.
			if err := h.waitRestart(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		h.startMu.Lock()
		// Another call may have launched it, or failed to, meanwhile.
		inst, wait, err = h.ready()
		if inst != nil || err != nil || wait > 0 {
			h.startMu.Unlock()
			if inst != nil || err != nil {
				return inst, err
			}
			continue
		}
		inst, err = h.launch()
		h.startMu.Unlock()
		return inst, err
	}
}

// ready says whether a call can go ahead: with the running instance, with
// an error, or after waiting (0 means launch now).
func (h *Handle) ready() (*instance, time.Duration, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if inst := h.running(); inst != nil {
		return inst, 0, nil
	}
	switch h.state {
	case StateRemoved:
		return nil, 0, fmt.Errorf("connector %s: %w", h.plugin.Name, ErrRemoved)
	case StateCrashLoop:
		return nil, 0, &CrashLoopError{Name: h.plugin.Name, Failures: h.failures, Since: h.since, Last: h.lastErr}
	}
	return nil, max(h.nextStart.Sub(h.now()), 0), nil
}

// waitRestart sleeps until the backoff delay has passed, the call's context
// ends, or the handle is removed.
func (h *Handle) waitRestart(ctx context.Context, wait time.Duration) error {
	last := errString(h.lastError())
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return fmt.Errorf("connector %s restarts in %s, after this call's deadline (it failed: %s): %w",
			h.plugin.Name, wait.Round(time.Millisecond), last, context.DeadlineExceeded)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-h.removed:
		return fmt.Errorf("connector %s: %w", h.plugin.Name, ErrRemoved)
	case <-ctx.Done():
		return fmt.Errorf("connector %s was waiting %s before its next restart (it failed: %s): %w",
			h.plugin.Name, wait.Round(time.Millisecond), last, ctx.Err())
	}
}

// launch starts the process and records the outcome. Callers hold startMu.
// Launching happens outside h.mu so Status stays responsive; the process
// does not depend on the call's context, since it outlives that call.
func (h *Handle) launch() (*instance, error) {
	inst, err := launch(h.cfg, h.plugin)

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state == StateRemoved { // removed while launching
		if inst != nil {
			inst.stop() // remove waits for this through startMu
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
	now := h.now()
	h.nextStart = now.Add(delay)
	h.setStateAt(StateCrashed, now)
	h.log.Error("connector failed; it restarts on the next call", "failures", h.failures, "restart_delay", delay, "error", err)
}

// setState changes the state and its timestamp. Callers hold h.mu.
func (h *Handle) setState(s State) { h.setStateAt(s, h.now()) }

// setStateAt is setState with the time of the change given.
func (h *Handle) setStateAt(s State, at time.Time) {
	if h.state != s {
		h.state = s
		h.since = at
	}
}

func (h *Handle) lastError() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastErr
}

func errString(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}
