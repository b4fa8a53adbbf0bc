package app

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/watch"
)

// watchStatus records what the watcher does, from the outside: the
// events it hands to the automations and whether its loop runs.
type watchStatus struct {
	mu  sync.Mutex
	now func() time.Time
	st  watch.Status
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

// run wraps the watcher's loop, so the status says whether it runs.
func (w *watchStatus) run(next func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		w.mu.Lock()
		w.st.Running, w.st.Since = true, w.now().UTC()
		w.mu.Unlock()
		defer func() {
			w.mu.Lock()
			w.st.Running = false
			w.mu.Unlock()
		}()
		return next(ctx)
	}
}

// Routes implements api.RouteProvider.
func (w *watchStatus) Routes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Pattern: "/v1/watcher", MinRole: api.RoleAuditor,
		Summary:  "Show the change watcher's state: running, what it watches, the last change it passed on or failed to",
		Response: watch.Status{},
		Handler: func(*api.Call) (any, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.st, nil
		}}}
}
