package console

import (
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/api"
)

// DefaultSessionTTL is how long an idle session lasts.
const DefaultSessionTTL = 8 * time.Hour

// Options configures the console.
type Options struct {
	// API is the host's API server; every page reads and changes through
	// it. Required.
	API API
	// Auth checks the token given at sign-in (the API's token registry).
	// Required.
	Auth api.Authenticator
	// Logger receives the console's logs; tokens are never logged. Nil
	// discards.
	Logger hclog.Logger
	// SecureCookies marks cookies Secure even on plain HTTP, for a host
	// behind a TLS-terminating proxy. Under TLS they are Secure anyway.
	SecureCookies bool
	// SessionTTL is the idle lifetime of a session; 0 means
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ErrMissingOption is returned by New when a required option is unset.
var ErrMissingOption = errors.New("console: Options.API and Options.Auth are required (pass the host's api.Server and api.Tokens)")

// Console is the web console, an http.Handler meant to be mounted at "/"
// beside the API (see Mux).
type Console struct {
	opts     Options
	log      hclog.Logger
	mux      *http.ServeMux
	sessions *sessions
	api      dispatcher
	pages    *renderer
}

var _ http.Handler = (*Console)(nil)

// New builds the console.
func New(opts Options) (*Console, error) {
	if opts.API == nil || opts.Auth == nil {
		return nil, ErrMissingOption
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	pages, err := newRenderer()
	if err != nil {
		return nil, err
	}
	c := &Console{
		opts: opts, log: opts.Logger, mux: http.NewServeMux(),
		sessions: newSessions(opts.SessionTTL, opts.Now), api: dispatcher{api: opts.API}, pages: pages,
	}
	c.routes()
	return c, nil
}

// routes registers the console's pages. Page handlers get the session;
// sign-in and static files do not need one.
func (c *Console) routes() {
	static, _ := fs.Sub(assets, "static")
	c.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET /login", c.loginPage)
	c.mux.HandleFunc("POST /login", c.login)
	c.mux.HandleFunc("POST /logout", c.signedIn(c.logout))
	c.mux.HandleFunc("GET /{$}", c.signedIn(c.overviewPage))

	c.mux.HandleFunc("GET /extensions", c.signedIn(c.extensionsPage))
	c.mux.HandleFunc("POST /extensions/install", c.signedIn(c.installFromCatalog))
	c.mux.HandleFunc("POST /extensions/upload", c.signedIn(c.installUpload))
	c.mux.HandleFunc("POST /extensions/{id}/upgrade", c.signedIn(c.upgradeExtension))
	c.mux.HandleFunc("POST /extensions/{id}/uninstall", c.signedIn(c.uninstallExtension))
	c.mux.HandleFunc("POST /catalogs", c.signedIn(c.addCatalog))
	c.mux.HandleFunc("POST /catalogs/{name}/remove", c.signedIn(c.removeCatalog))
	c.mux.HandleFunc("POST /extension-keys", c.signedIn(c.trustKey))

	c.mux.HandleFunc("GET /integrations", c.signedIn(c.integrationsPage))
	c.mux.HandleFunc("POST /integrations", c.signedIn(c.createIntegration))
	c.mux.HandleFunc("GET /integrations/{id}", c.signedIn(c.integrationPage))
	c.mux.HandleFunc("POST /integrations/{id}/toggle", c.signedIn(c.toggleIntegration))
	c.mux.HandleFunc("POST /integrations/{id}/settings", c.signedIn(c.saveSettings))
	c.mux.HandleFunc("POST /integrations/{id}/authorization", c.signedIn(c.saveAuthorization))
	c.mux.HandleFunc("POST /integrations/{id}/test", c.signedIn(c.testIntegration))
	c.mux.HandleFunc("POST /integrations/{id}/delete", c.signedIn(c.deleteIntegration))
	c.mux.HandleFunc("POST /automations/{id}/delete", c.signedIn(c.deleteAutomation))
	c.mux.HandleFunc("POST /sync/{id}/delete", c.signedIn(c.deleteDataSource))

	c.mux.HandleFunc("GET /inbound", c.signedIn(c.inboundIndex))
	c.mux.HandleFunc("GET /integrations/{id}/inbound", c.signedIn(c.inboundPage))
	c.mux.HandleFunc("POST /integrations/{id}/inbound", c.signedIn(c.saveCustomEndpoint))
	c.mux.HandleFunc("POST /integrations/{id}/inbound/{endpoint}/test", c.signedIn(c.testEndpoint))
	c.mux.HandleFunc("POST /integrations/{id}/inbound/{endpoint}/remove", c.signedIn(c.removeEndpoint))

	c.mux.HandleFunc("GET /outbound", c.signedIn(c.outboundIndex))
	c.mux.HandleFunc("GET /integrations/{id}/outbound", c.signedIn(c.outboundPage))
	c.mux.HandleFunc("POST /integrations/{id}/outbound/test", c.signedIn(c.testWebhook))
	c.mux.HandleFunc("POST /integrations/{id}/outbound/webhooks", c.signedIn(c.saveWebhook))
	c.mux.HandleFunc("POST /integrations/{id}/outbound/webhooks/{webhook}/delete", c.signedIn(c.deleteWebhook))
	c.mux.HandleFunc("POST /integrations/{id}/inbound/{endpoint}/save", c.signedIn(c.saveCustomEndpoint))

	c.mux.HandleFunc("GET /audit", c.signedIn(c.auditPage))
	c.mux.HandleFunc("GET /directory/search", c.signedIn(c.directorySearch))
	c.mux.HandleFunc("GET /tokens", c.signedIn(c.tokensPage))
	c.mux.HandleFunc("POST /tokens", c.signedIn(c.createToken))
	c.mux.HandleFunc("POST /tokens/{id}/revoke", c.signedIn(c.revokeToken))

	c.mux.HandleFunc("GET /templates", c.signedIn(c.templatesPage))
	c.mux.HandleFunc("POST /templates/save", c.signedIn(c.saveTemplate))
	c.mux.HandleFunc("POST /templates/{id}/delete", c.signedIn(c.deleteTemplate))

	c.mux.HandleFunc("GET /automations", c.signedIn(c.automationsPage))
	c.mux.HandleFunc("POST /automations/save", c.signedIn(c.saveAutomation))
	c.mux.HandleFunc("POST /automations/{id}/toggle", c.signedIn(c.toggleAutomation))
	c.mux.HandleFunc("POST /automations/{id}/apply", c.signedIn(c.applyAutomation))

	c.mux.HandleFunc("GET /runs", c.signedIn(c.runsPage))
	c.mux.HandleFunc("GET /runs/{id}", c.signedIn(c.runPage))
	c.mux.HandleFunc("POST /runs/{id}/{op}", c.signedIn(c.runAction))

	c.mux.HandleFunc("GET /sync", c.signedIn(c.syncPage))
	c.mux.HandleFunc("POST /sync/save", c.signedIn(c.saveDataSource))
	c.mux.HandleFunc("POST /sync/{id}/plan", c.signedIn(c.planDataSource))
	c.mux.HandleFunc("POST /sync/{id}/apply", c.signedIn(c.applyDataSource))
	c.mux.HandleFunc("GET /sync/{id}/runs/{run}", c.signedIn(c.syncRunPage))

	c.mux.HandleFunc("GET /s/{section}", c.signedIn(c.sectionPage))
	c.mux.HandleFunc("GET /s/{section}/view", c.signedIn(c.sectionView))
	c.mux.HandleFunc("POST /s/{section}/call", c.signedIn(c.sectionCall))
}

// ServeHTTP implements http.Handler: security headers, the CSRF check on
// every request that changes something, then the page.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	c.mux.ServeHTTP(w, r)
}

// pageHandler is a console page with the signed-in session.
type pageHandler func(w http.ResponseWriter, r *http.Request, s *session)

// signedIn resolves the session, sending the browser to sign in when there
// is none, and checks the CSRF token of every non-GET request. A multipart
// form (an upload) carries its token as the first part, checked by the
// handler while streaming; no other page accepts multipart.
func (c *Console) signedIn(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.sessions.get(r)
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.refuse(w, r, nil, http.StatusUnauthorized, "Your session has ended. Sign in again, then repeat the change.")
			return
		}
		// The token is checked on every request, not only at sign-in, so
		// revoking it signs its sessions out at their next click.
		if _, err := c.opts.Auth.Authenticate(r.Context(), s.token); err != nil {
			c.sessions.end(s.id)
			http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.refuse(w, r, nil, http.StatusUnauthorized, "Your token is no longer valid (it may have been revoked). Sign in again.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if isMultipart(r) {
				if !multipartPaths[r.Pattern] {
					c.refuse(w, r, s, http.StatusForbidden, "This form cannot be sent as an upload.")
					return
				}
			} else if !validCSRF(r, s.csrf) {
				c.log.Warn("request refused: missing or wrong CSRF token", "path", r.URL.Path, "actor", s.principal.Name)
				c.refuse(w, r, s, http.StatusForbidden, "The form's security token is missing or out of date. Reload the page and try again.")
				return
			}
		}
		h(w, r, s)
	}
}

// multipartPaths are the console routes that take uploads; they verify the
// CSRF token themselves.
var multipartPaths = map[string]bool{"POST /extensions/upload": true}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// Mux serves the API and the console on one listener: API paths go to the
// API server, everything else to the console. The application serves the
// result in place of the bare API server.
func Mux(apiHandler, console http.Handler) http.Handler {
	m := http.NewServeMux()
	for _, p := range []string{"/v1/", "/healthz", "/readyz", "/metrics"} {
		m.Handle(p, apiHandler)
	}
	m.Handle("/", console)
	return m
}
