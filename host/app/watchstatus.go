package app

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/watch"
)

// watchStatus is GET /v1/watcher: the watcher's settings, and what it
// handed to the automations, recorded from the outside by wrapping its
// event handler (decision 0224). Whether its loop runs and its polls see
// the directory is the watcher's own record (watch.Watcher.Loop), the one
// /readyz also reads; this keeps no copy of it. See decisions 0284 and
// 0286.
type watchStatus struct {
	mu  sync.Mutex
	now func() time.Time
	st  watch.Status
	// loop is the watcher, nil when --watch off runs none.
	loop watchLoop
	// mask hides the secrets in use from the errors shown; nil masks
	// nothing.
	mask func(string) string
}

// watchLoop is what watchStatus reads of the watcher's loop.
type watchLoop interface {
	Loop() watch.Loop
}

// observe wraps the watcher's event handler.
func (w *watchStatus) observe(next func(context.Context, watch.Event) error) func(context.Context, watch.Event) error {
	return func(ctx context.Context, e watch.Event) error {
		err := next(ctx, e)
		w.mu.Lock()
		defer w.mu.Unlock()
		if err != nil {
			w.st.LastError, w.st.LastErrorAt = err.Error(), w.now().UTC()
			return err
		}
		w.st.Events++
		w.st.LastEvent, w.st.LastKind, w.st.LastObject = w.now().UTC(), string(e.Kind), e.DN
		w.st.LastError, w.st.LastErrorAt = "", time.Time{}
		return nil
	}
}

// Routes implements api.RouteProvider.
func (w *watchStatus) Routes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Pattern: "/v1/watcher", MinRole: api.RoleAuditor,
		Summary:  "Show the change watcher's state: running, what it watches, whether its polls see the directory, the last change it passed on or failed to",
		Response: watch.Status{},
		Handler:  func(*api.Call) (any, error) { return w.status(), nil }}}
}

// status is the state shown now.
func (w *watchStatus) status() watch.Status {
	w.mu.Lock()
	st := w.st
	w.mu.Unlock()
	if w.mask != nil {
		st.LastError = w.mask(st.LastError)
	}
	if w.loop != nil {
		st = st.WithLoop(w.loop.Loop(), w.mask)
	}
	return st
}
