package app

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/watch"
)

// WatcherStatus is what GET /v1/watcher shows of the change watcher, for
// the console's overview: whether it runs, what it watches, and the last
// change it passed on, or the last failure to pass one on. See decision
// 0224.
type WatcherStatus struct {
	// Running is true while this host's watcher runs: hosts sharing a
	// store take turns, one at a time (it is false on the others).
	Running bool `json:"running"`
	// Mode is how it watches: poll, dirsync, or off (serve --watch).
	Mode string `json:"mode"`
	// Directory is the directory's address; Base the DN watched.
	Directory string `json:"directory"`
	Base      string `json:"base"`
	// Interval is the time between polls, in words (e.g. "2s").
	Interval string `json:"interval"`
	// Since is when the watcher started.
	Since time.Time `json:"since,omitzero"`
	// Events counts the changes passed to the automations since then.
	Events int `json:"events"`
	// LastEvent is when the last one was passed on, LastKind what it was
	// and LastObject whom it was about.
	LastEvent  time.Time `json:"last_event,omitzero"`
	LastKind   string    `json:"last_kind,omitempty"`
	LastObject string    `json:"last_object,omitempty"`
	// LastError is the last failure to pass a change on (the same change
	// is delivered again at the next poll), with when it happened; empty
	// once a change goes through.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// watchStatus records what the watcher does, from the outside: the
// events it hands to the automations and whether its loop runs.
type watchStatus struct {
	mu  sync.Mutex
	now func() time.Time
	st  WatcherStatus
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
		Response: WatcherStatus{},
		Handler: func(*api.Call) (any, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.st, nil
		}}}
}
