package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Server is a running sandbox. All methods are safe for concurrent use.
type Server struct {
	opts     Options
	log      hclog.Logger
	store    *store
	limits   *limiter
	faults   faultState
	recorder recorder
	spec     *specValidator // nil unless Options.ValidateSpec
	handler  http.Handler

	listener net.Listener
	http     *http.Server
	done     chan struct{}
	closeMu  sync.Once
	closeErr error
}

// New builds a sandbox without listening, for tests that drive Handler
// through httptest. Start is the usual entry point.
func New(opts Options) (*Server, error) {
	if opts.Listen == "" {
		opts.Listen = defaultListen
	}
	if opts.Rate == 0 {
		opts.Rate = defaultRate
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	seed := opts.Seed
	if seed == nil {
		seed = DefaultSeed()
	}
	st, err := newStore(seed)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, log: opts.Logger.Named("clockify-sandbox"), store: st, limits: newLimiter(opts.Rate)}
	var v *specValidator
	if opts.ValidateSpec {
		if v, err = newSpecValidator(); err != nil {
			return nil, err
		}
	}
	s.setValidator(v)
	return s, nil
}

// setValidator builds the middleware chain, outermost first: recording,
// spec validation (if any), faults, then the API itself.
func (s *Server) setValidator(v *specValidator) {
	s.spec = v
	var h http.Handler = http.HandlerFunc(s.serveAPI)
	h = s.faultMiddleware(h)
	if v != nil {
		h = v.middleware(h)
	}
	s.handler = s.recordMiddleware(h)
}

// Start builds a sandbox and serves it on opts.Listen until Close is called
// or ctx ends.
func Start(ctx context.Context, opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := s.listen(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// listen starts serving the built handler.
func (s *Server) listen(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("clockify sandbox: listen on %s: %w (pick a free address with --listen)", s.opts.Listen, err)
	}
	s.listener = ln
	s.http = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: s.log.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true})}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve failed", "error", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	s.log.Info("listening", "base_url", s.BaseURL())
	return nil
}

// BaseURL is the URL a Clockify client takes as its base, the equivalent of
// https://api.clockify.me/api: http://127.0.0.1:PORT/api.
func (s *Server) BaseURL() string {
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String() + "/api"
}

// Handler serves the API without a listener, for httptest or embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops listening and drops open connections. It is safe to call more
// than once.
func (s *Server) Close() error {
	s.closeMu.Do(func() {
		if s.http != nil {
			s.closeErr = s.http.Close()
			<-s.done
		}
	})
	return s.closeErr
}

// SetFaults replaces the injected faults; the zero value turns them off.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// Snapshot returns a deep copy of the current state in seed form, so a test
// can assert on it or save it.
func (s *Server) Snapshot() *Seed { return s.store.snapshot() }

// Users returns copies of a workspace's members in storage order, or nil
// for an unknown workspace.
func (s *Server) Users(workspaceID string) []User {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	w := s.store.byID[workspaceID]
	if w == nil {
		return nil
	}
	out := make([]User, len(w.users))
	for i, u := range w.users {
		out[i] = copyUser(*u)
	}
	return out
}

// Groups returns copies of a workspace's user groups in creation order, or
// nil for an unknown workspace.
func (s *Server) Groups(workspaceID string) []Group {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	w := s.store.byID[workspaceID]
	if w == nil {
		return nil
	}
	out := make([]Group, len(w.groups))
	for i, g := range w.groups {
		out[i] = Group{ID: g.ID, Name: g.Name, UserIDs: append([]string{}, g.UserIDs...)}
	}
	return out
}

// Projects returns a copy of a workspace's projects, for tests.
func (s *Server) Projects(workspaceID string) []Project {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	w := s.store.byID[workspaceID]
	if w == nil {
		return nil
	}
	out := make([]Project, len(w.projects))
	for i, p := range w.projects {
		out[i] = *p
	}
	return out
}

// SpecViolations lists every way a request or response differed from the
// official spec since the server started; nil when ValidateSpec is off.
func (s *Server) SpecViolations() []string {
	if s.spec == nil {
		return nil
	}
	return s.spec.violations()
}

// serveAPI is the API proper: prefix, auth, routing, rate limit, handler.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	path, ok := apiPath(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, codeNoResource, "No static resource "+strings.TrimPrefix(r.URL.Path, "/")+".")
		return
	}
	key, status, code, msg := s.authenticate(r)
	if status != 0 {
		writeError(w, status, code, msg)
		return
	}
	setKeyID(r.Context(), key.ID)

	rt, params := match(strings.Split(path, "/"))
	if rt == nil {
		writeError(w, http.StatusNotFound, codeNoResource, "No static resource "+strings.TrimPrefix(r.URL.Path, "/")+".")
		return
	}
	bucket := "user:" + key.UserID
	if id, ok := params["workspaceId"]; ok {
		bucket = "workspace:" + id
	}
	if wait, ok := s.limits.allow(bucket); !ok {
		tooManyRequests(w, wait)
		return
	}
	h, ok := rt.handlers[r.Method]
	if !ok {
		w.Header().Set("Allow", rt.allow())
		writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllow, fmt.Sprintf("Request method '%s' is not supported", r.Method))
		return
	}
	c := &call{w: w, r: r, key: key, params: params}
	if id, ok := params["workspaceId"]; ok {
		s.store.mu.RLock()
		c.ws = s.store.byID[id]
		member := c.ws != nil && c.ws.activeMember(key.UserID)
		s.store.mu.RUnlock()
		if !member {
			if rt.pattern[len(rt.pattern)-1] == "{workspaceId}" {
				w.WriteHeader(http.StatusNotFound) // Clockify answers an unknown workspace with an empty 404.
				return
			}
			writeError(w, http.StatusForbidden, codeBusiness, msgAccessDenied)
			return
		}
	}
	h(s, c)
}

// apiPath strips /api/v1 or /v1 and returns the rest.
func apiPath(p string) (string, bool) {
	p = strings.TrimPrefix(p, "/api")
	rest, ok := strings.CutPrefix(p, "/v1/")
	if !ok {
		return "", false
	}
	return strings.TrimSuffix(rest, "/"), true
}

// activeMember reports whether a user may use the workspace at all.
func (w *wsState) activeMember(userID string) bool {
	u := w.user(userID)
	return u != nil && u.MembershipStatus == "ACTIVE"
}
