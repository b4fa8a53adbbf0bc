package app

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/console"
)

// handler is the listener's root: /metrics, the API (/v1/, /healthz,
// /readyz) and the web console for everything else.
func (a *App) handler(addr net.Addr) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metricsHandler(addr))
	if a.opts.NoConsole {
		mux.Handle("/", a.API)
		return a.secured(mux), nil
	}
	c, err := console.New(console.Options{API: a.API, Auth: a.Tokens, Logger: a.Log.Named("console"), SecureCookies: a.opts.SecureCookies || a.opts.TLS != nil})
	if err != nil {
		return nil, err
	}
	mux.Handle("/", console.Mux(a.API, c))
	return a.secured(mux), nil
}

// secured adds what every answer of a TLS listener carries.
func (a *App) secured(h http.Handler) http.Handler {
	if a.opts.TLS == nil {
		return h
	}
	return withHSTS(h)
}

// metricsHandler serves the registry. On a loopback listener it needs no
// token, so a local Prometheus or curl can scrape it, but only under a
// name the host answers to (decision 0195); otherwise it needs an auditor
// token like any read (decision 0131).
func (a *App) metricsHandler(addr net.Addr) http.Handler {
	h := a.Metrics.Handler()
	if isLoopback(addr) {
		names := a.hostNames(addr)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !names.allow(r.Host) {
				http.Error(w, fmt.Sprintf("/metrics without a token answers only requests addressed to this host (Host %q is not one of its names); "+
					"scrape it at %s, or add the name with --hostname", r.Host, addr), http.StatusMisdirectedRequest)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := cutBearer(r.Header.Get("Authorization"))
		if !ok || scheme != "bearer" {
			http.Error(w, "metrics on a non-loopback listener need an API token (Authorization: Bearer ...)", http.StatusUnauthorized)
			return
		}
		p, err := a.Tokens.Authenticate(r.Context(), token)
		if err != nil {
			http.Error(w, "unknown or revoked token", http.StatusUnauthorized)
			return
		}
		if !p.Role.Allows(api.RoleAuditor) {
			http.Error(w, "metrics need the auditor role", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// cutBearer splits an Authorization header into its lower-cased scheme and
// credential.
func cutBearer(h string) (scheme, token string, ok bool) {
	scheme, token, ok = strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	return strings.ToLower(scheme), token, ok && token != ""
}
