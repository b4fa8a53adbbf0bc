package acmeapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options configure a Server.
type Options struct {
	// Seed is the initial state; the zero value uses DefaultSeed.
	Seed Seed
	// RatePerSecond is the per-key request budget; 0 means unlimited.
	// Over the budget the server answers 429 with Retry-After.
	RatePerSecond float64
	// Listen is the address Start listens on; "" means a free loopback
	// port.
	Listen string
}

// Server is the Acme Directory API over an in-memory tenant. It is an
// http.Handler; Start also serves it on a loopback port.
type Server struct {
	tenant string
	keys   map[string]Key
	rate   float64

	mu      sync.Mutex
	users   []User // in creation order, which is the list order
	teams   []Team
	nextID  int
	buckets map[string]*rate.Limiter
	now     func() time.Time

	mux *http.ServeMux
	srv *http.Server
	url string
}

// New returns a server holding opts.Seed.
func New(opts Options) *Server {
	seed := opts.Seed
	if seed.Tenant == "" {
		seed = DefaultSeed()
	}
	s := &Server{
		tenant:  seed.Tenant,
		keys:    seed.Keys,
		rate:    opts.RatePerSecond,
		users:   append([]User(nil), seed.Users...),
		teams:   append([]Team(nil), seed.Teams...),
		nextID:  len(seed.Users) + 1,
		buckets: map[string]*rate.Limiter{},
		now:     time.Now,
		mux:     http.NewServeMux(),
	}
	s.mux.HandleFunc("/v1/tenants/{tenant}/me", s.guard(map[string]handler{http.MethodGet: s.me}))
	s.mux.HandleFunc("/v1/tenants/{tenant}/users", s.guard(map[string]handler{http.MethodGet: s.listUsers, http.MethodPost: s.createUser}))
	s.mux.HandleFunc("/v1/tenants/{tenant}/users/{id}", s.guard(map[string]handler{http.MethodGet: s.getUser, http.MethodPatch: s.patchUser}))
	s.mux.HandleFunc("/v1/tenants/{tenant}/teams", s.guard(map[string]handler{http.MethodGet: s.listTeams}))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeNotFound, "no such API path: "+r.URL.Path)
	})
	return s
}

// Start serves a new server on opts.Listen (a free loopback port by
// default) until Close.
func Start(opts Options) (*Server, error) {
	addr := opts.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("acmeapi: listening on %s: %w", addr, err)
	}
	s := New(opts)
	s.url = "http://" + lis.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(lis) }()
	return s, nil
}

// URL is the base URL of a started server, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// Close stops a started server.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// User returns the user with id, for tests that check what a webhook did.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// UserByEmail returns the user with email, compared without case.
func (s *Server) UserByEmail(email string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.indexByEmail(email)
	if i < 0 {
		return User{}, false
	}
	return s.users[i], true
}

// handler serves one route after authentication; key is the caller's key.
type handler func(w http.ResponseWriter, r *http.Request, key Key)

// guard checks, in the order a real API does: the method is served, the
// key is known, the budget allows the call, and the tenant exists.
func (s *Server) guard(methods map[string]handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h, ok := methods[r.Method]
		if !ok {
			writeError(w, http.StatusMethodNotAllowed, CodeBadMethod, r.Method+" is not supported on "+r.URL.Path)
			return
		}
		secret := r.Header.Get("X-Acme-Key")
		if secret == "" {
			writeError(w, http.StatusUnauthorized, CodeMissingKey, "send your API key in the X-Acme-Key header")
			return
		}
		key, ok := s.keys[secret]
		if !ok {
			writeError(w, http.StatusUnauthorized, CodeInvalidKey, "the API key is not valid or was revoked")
			return
		}
		if wait, ok := s.allow(secret); !ok {
			tooManyRequests(w, wait)
			return
		}
		if r.PathValue("tenant") != s.tenant {
			writeError(w, http.StatusNotFound, CodeUnknownTenant, "no tenant named "+r.PathValue("tenant"))
			return
		}
		h(w, r, key)
	}
}

// allow takes a token from the key's bucket, or says how long to wait.
func (s *Server) allow(secret string) (time.Duration, bool) {
	if s.rate <= 0 {
		return 0, true
	}
	s.mu.Lock()
	b, ok := s.buckets[secret]
	if !ok {
		b = rate.NewLimiter(rate.Limit(s.rate), max(1, int(s.rate)))
		s.buckets[secret] = b
	}
	s.mu.Unlock()
	now := time.Now()
	res := b.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// indexByEmail finds a user by e-mail; s.mu must be held.
func (s *Server) indexByEmail(email string) int {
	for i, u := range s.users {
		if strings.EqualFold(u.Email, email) {
			return i
		}
	}
	return -1
}
