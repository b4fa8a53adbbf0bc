package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Options configures a Server.
type Options struct {
	// Auth resolves bearer tokens; without it every call is refused.
	Auth Authenticator
	// Logger receives request and error logs; nil discards them.
	Logger hclog.Logger
	// Auditor receives audited calls; nil audits nothing. It can also be
	// set later with SetAuditor.
	Auditor Auditor
	// Ready reports whether the host can serve; /readyz answers 503 with
	// its error. Nil means always ready.
	Ready func(ctx context.Context) error
	// ReadyInfo, when set, adds what it returns to /readyz's answer when
	// ready (e.g. the store and the leases this host holds). It must say
	// nothing secret: /readyz needs no token.
	ReadyInfo func(ctx context.Context) map[string]any
	// Title and Version describe the API in the OpenAPI document.
	Title, Version string
	// Mask, when set, is applied to every byte of every routed answer
	// (JSON, errors and streams): the host passes its secrets masker, so a
	// secret that reached an answer by any path (an app echoing its API
	// key into a record) leaves the host masked. See decision 0194.
	Mask func([]byte) []byte
	// Timeouts bound how long a client may take to send a request and
	// read the answer; zero fields take DefaultTimeouts.
	Timeouts Timeouts
	// Observe, when set, is called after every routed call with the
	// route's pattern (not the path, so metrics keep few series), the
	// status sent and the time taken. The host feeds its metrics with it.
	Observe func(method, route string, status int, d time.Duration)
}

// Server routes, authenticates, authorises, audits and encodes API calls.
// It is an http.Handler; Serve runs it on a listener.
type Server struct {
	opts Options
	log  hclog.Logger
	mux  *http.ServeMux

	mu      sync.RWMutex
	routes  []Route
	auditor Auditor
}

// NewServer returns a server with the built-in routes: /healthz, /readyz
// (unauthenticated) and GET /v1/openapi.json.
func NewServer(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.Title == "" {
		opts.Title = "idbridge host API"
	}
	if opts.Auth == nil {
		opts.Auth = denyAll{} // a server without tokens must not be open
	}
	s := &Server{opts: opts, log: opts.Logger, mux: http.NewServeMux(), auditor: opts.Auditor}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", s.serveReady)
	s.mux.HandleFunc("/", s.serveNoRoute)
	if err := s.Register(Route{
		Method: http.MethodGet, Pattern: "/v1/openapi.json", MinRole: RoleAuditor,
		Summary:  "The OpenAPI 3 description of this API, generated from its routes",
		Response: map[string]any{},
		Handler:  func(*Call) (any, error) { return s.OpenAPI(), nil },
	}); err != nil {
		panic(err) // a fixed route; failing here is a programming error
	}
	return s
}

// SetAuditor sets the Auditor; the application calls it once the audit log
// is open.
func (s *Server) SetAuditor(a Auditor) {
	s.mu.Lock()
	s.auditor = a
	s.mu.Unlock()
}

// Mount registers the routes of each provider.
func (s *Server) Mount(providers ...RouteProvider) error {
	for _, p := range providers {
		if err := s.Register(p.Routes()...); err != nil {
			return err
		}
	}
	return nil
}

// Register adds routes. It refuses an invalid route or one whose method and
// pattern conflict with a registered route, instead of panicking as
// http.ServeMux would.
func (s *Server) Register(routes ...Route) (err error) {
	for _, r := range routes {
		if err := r.validate(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range routes {
		if err := s.handle(r); err != nil {
			return err
		}
		s.routes = append(s.routes, r)
	}
	return nil
}

func (s *Server) handle(r Route) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("route %s %s: %v", r.Method, r.Pattern, p)
		}
	}()
	s.mux.Handle(r.Method+" "+r.Pattern, s.wrap(r))
	return nil
}

// Routes returns the registered routes in registration order.
func (s *Server) Routes() []Route {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.routes)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully, giving running calls up to grace to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	return s.ServeHandler(ctx, ln, grace, s)
}

// ServeHandler is Serve with another root handler, one that sends API
// paths to s and others elsewhere (the web console, /metrics), so the
// whole host shares one listener and one graceful shutdown.
func (s *Server) ServeHandler(ctx context.Context, ln net.Listener, grace time.Duration, h http.Handler) error {
	t := s.opts.Timeouts.withDefaults()
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		ErrorLog:          s.log.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("API server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// serveNoRoute answers requests no route matches: 405 with the allowed
// methods when the path exists under other methods, else 404. The
// catch-all pattern would otherwise hide net/http's own 405.
func (s *Server) serveNoRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		writeJSON(w, errNotFoundRoute.Status, errorBody{errNotFoundRoute})
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	e := &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
		Message: fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or "))}
	writeJSON(w, e.Status, errorBody{e})
}

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(r.Context()); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, errorBody{&Error{Code: "not_ready", Message: err.Error()}})
			return
		}
	}
	body := map[string]any{}
	if s.opts.ReadyInfo != nil {
		for k, v := range s.opts.ReadyInfo(r.Context()) {
			body[k] = v
		}
	}
	body["status"] = "ready"
	writeJSON(w, http.StatusOK, body)
}

// wrap turns a Route into an http.Handler: authenticate, authorise, call,
// encode, audit, log.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if s.opts.Mask != nil {
			w = &maskingWriter{ResponseWriter: w, mask: s.opts.Mask}
		}
		reqID := newRequestID()
		w.Header().Set("X-Request-Id", reqID)
		call := &Call{Request: r, Route: rt, writer: w}
		if rt.BodyTimeout > 0 {
			// An upload route gives its body longer than the server's
			// read timeout; the deadline runs from now.
			_ = http.NewResponseController(w).SetReadDeadline(start.Add(rt.BodyTimeout))
		}

		status, apiErr := s.serve(w, call)
		if s.opts.Observe != nil {
			s.opts.Observe(r.Method, rt.Pattern, status, time.Since(start))
		}

		log := s.log.With("request_id", reqID, "method", r.Method, "route", rt.Pattern,
			"status", status, "actor", call.Principal.Name, "duration", time.Since(start))
		switch {
		case apiErr != nil && status >= 500:
			log.Error("API call failed", "error", apiErr)
		case apiErr != nil:
			log.Debug("API call refused", "code", apiErr.Code)
		case status >= 200 && status < 300 && status != rt.SuccessStatus():
			// The OpenAPI document promised another status: a route
			// that chooses its status per call must declare it.
			log.Error("API route answered a success status it does not declare; set Route.Status so the OpenAPI document lists it",
				"declared", rt.SuccessStatus())
		default:
			log.Debug("API call")
		}
		if call.Principal.Role != RoleNone && rt.audited() {
			s.audit(r.Context(), call, status, apiErr, reqID)
		}
	})
}

// serve runs the call and writes the answer, returning the status and the
// error sent, if any.
func (s *Server) serve(w http.ResponseWriter, c *Call) (int, *Error) {
	fail := func(e *Error) (int, *Error) {
		writeJSON(w, e.Status, errorBody{e})
		return e.Status, e
	}
	token, ok := bearer(c.Request)
	if !ok {
		return fail(errUnauthenticated)
	}
	p, err := s.opts.Auth.Authenticate(c.Context(), token)
	if err != nil {
		if !errors.Is(err, ErrUnknownToken) {
			s.log.Error("token check failed", "error", err)
		}
		return fail(errUnauthenticated)
	}
	c.Principal = p
	if !p.Role.Allows(c.Route.MinRole) {
		return fail(&Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: fmt.Sprintf("this needs the %s role; token %q has %s", c.Route.MinRole, p.Name, p.Role)})
	}

	if e := checkPathValues(c.Request, c.Route.Pattern); e != nil {
		return fail(e)
	}
	out, err := s.invoke(c)
	if err != nil {
		e, _ := ErrorFor(err)
		return fail(e)
	}
	switch v := out.(type) {
	case nil:
		status := http.StatusNoContent
		if c.Route.Status != 0 {
			status = c.Route.Status
		}
		w.WriteHeader(status)
		return status, nil
	case *Response:
		if v.Body == nil {
			w.WriteHeader(v.Status)
			return v.Status, nil
		}
		return s.answer(w, v.Status, v.Body)
	case http.Handler:
		// A streamed answer lasts as long as the work it reports on, and
		// writes as it goes: the server's write timeout, meant for a
		// client that stops reading a plain answer, would cut it. See
		// decision 0191.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		v.ServeHTTP(sw, c.Request)
		return sw.status, nil
	default:
		status := http.StatusOK
		if c.Route.Status != 0 {
			status = c.Route.Status
		}
		return s.answer(w, status, v)
	}
}

// answer writes a success value, reporting an encoding failure as a 500.
// A 204 carries no body, whatever the handler returned.
func (s *Server) answer(w http.ResponseWriter, status int, v any) (int, *Error) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return status, nil
	}
	if err := writeJSON(w, status, v); err != nil {
		e, _ := ErrorFor(err)
		return e.Status, e
	}
	return status, nil
}

// invoke calls the handler, turning a panic into a 500 so one faulty
// handler cannot take the host down.
func (s *Server) invoke(c *Call) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return c.Route.Handler(c)
}

func (s *Server) audit(ctx context.Context, c *Call, status int, apiErr *Error, reqID string) {
	s.mu.RLock()
	a := s.auditor
	s.mu.RUnlock()
	if a == nil {
		return
	}
	e := AuditEntry{
		Time: time.Now().UTC(), Actor: c.Principal.Name, TokenID: c.Principal.TokenID, Role: c.Principal.Role,
		Method: c.Request.Method, Route: c.Route.Pattern, Path: c.Request.URL.Path, Status: status,
		Before: c.before, After: c.after, RequestID: reqID, Request: RedactJSON(c.body),
	}
	if host, _, err := net.SplitHostPort(c.Request.RemoteAddr); err == nil {
		e.RemoteIP = host
	}
	if apiErr != nil {
		e.Error = apiErr.Message
	}
	// The change is done: record it even when the client has gone away.
	if err := a.Audit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("could not write audit entry", "route", c.Route.Pattern, "actor", e.Actor, "error", err)
	}
}

// bearer extracts the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// writeJSON encodes v before writing the header, so a value that cannot be
// encoded becomes a clean 500 rather than a half-written 200.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		e := &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; the host log has the details"}
		body, _ = json.Marshal(errorBody{e})
		status = e.Status
		err = fmt.Errorf("encode answer: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n')) // the client may have gone; nothing left to tell it
	return err
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// statusWriter remembers the status written by a handler that writes its
// own answer, for the log and the audit entry.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status before passing it on.
func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer (Flush for
// streamed answers).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// maskingWriter passes every write of an answer through the mask.
type maskingWriter struct {
	http.ResponseWriter
	mask func([]byte) []byte
}

// Write masks p; it reports len(p) written so callers do not mistake the
// changed length for a short write.
func (w *maskingWriter) Write(p []byte) (int, error) {
	if _, err := w.ResponseWriter.Write(w.mask(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *maskingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// denyAll refuses every token; it stands in when Options.Auth is missing.
type denyAll struct{}

// Authenticate implements Authenticator.
func (denyAll) Authenticate(context.Context, string) (Principal, error) {
	return Principal{}, ErrUnknownToken
}
