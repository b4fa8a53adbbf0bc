package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/inbound"
)

// Cookie names. The session cookie carries only a random id; the token it
// stands for never leaves the host.
const (
	sessionCookie = "idbridge_session"
	loginCookie   = "idbridge_login"
	csrfField     = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
)

// session is one signed-in browser.
type session struct {
	id        string
	token     string // the API token, used as the bearer of dispatched calls
	principal api.Principal
	csrf      string
	expires   time.Time
	flash     *flash
}

// flash is the outcome of the last change, shown once on the next page.
type flash struct {
	// OK is false for refusals and failures.
	OK bool
	// Message is one sentence for people.
	Message string
	// Detail, when set, is the API's answer, rendered below the message.
	Detail any
	// Collapse folds Detail away: after a plain change the answer is
	// reference, not news.
	Collapse bool
	// Inbound is an inbound endpoint test, drawn as fields then exchange.
	Inbound *inbound.TestResult
	// Form is what was typed into a refused form (secrets excepted), and
	// Fields the problem with each field by input name; pages draw both
	// (see page.Kept and page.FieldError).
	Form   url.Values
	Fields map[string]string
	// Redraw marks a form sent back by a row button (add, remove, move a
	// row) without being checked or saved: there is nothing to say, only
	// the form to draw. See decision 0268.
	Redraw bool
	// Outcome is what a change produced that the page after the redirect
	// draws (a plan, an applied sync, a webhook test), so the change runs
	// once and a refresh only draws the page (post-redirect-get; see
	// decision 0226). Pages read it with peekFlash before newPage takes
	// the flash.
	Outcome any
}

// sessions keeps sessions in memory: a restart signs everyone out, which
// is the safe failure for a console that holds bearer tokens.
type sessions struct {
	ttl time.Duration
	now func() time.Time

	mu   sync.Mutex
	byID map[string]*session
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, byID: map[string]*session{}}
}

// randomID returns 256 random bits, URL-safe.
func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms; a session
		// without randomness must not be handed out.
		panic("console: no randomness for session ids: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for a verified token.
func (s *sessions) create(token string, p api.Principal) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	ss := &session{id: randomID(), token: token, principal: p, csrf: randomID(), expires: s.now().Add(s.ttl)}
	s.byID[ss.id] = ss
	return ss
}

// get returns the live session named by the request's cookie, extending
// its life, or nil.
func (s *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byID[c.Value]
	if !ok {
		return nil
	}
	if s.now().After(ss.expires) {
		delete(s.byID, ss.id)
		return nil
	}
	ss.expires = s.now().Add(s.ttl)
	return ss
}

// end forgets a session.
func (s *sessions) end(id string) {
	s.mu.Lock()
	delete(s.byID, id)
	s.mu.Unlock()
}

// setFlash and takeFlash pass a change's outcome to the next page.
func (s *sessions) setFlash(ss *session, f *flash) {
	s.mu.Lock()
	ss.flash = f
	s.mu.Unlock()
}

// peekFlash returns the flash without taking it: a page reads the outcome
// it carries, and newPage takes it as usual.
func (s *sessions) peekFlash(ss *session) *flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ss.flash
}

func (s *sessions) takeFlash(ss *session) *flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := ss.flash
	ss.flash = nil
	return f
}

// sweep drops expired sessions; callers hold mu.
func (s *sessions) sweep() {
	now := s.now()
	for id, ss := range s.byID {
		if now.After(ss.expires) {
			delete(s.byID, id)
		}
	}
}

// validCSRF compares the request's CSRF token, from the form or the
// header, with the session's in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// cookie builds a console cookie: HttpOnly and SameSite=Strict always,
// Secure when the browser reached us over TLS (or the host says a TLS
// proxy is in front).
func (c *Console) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || c.opts.SecureCookies,
	}
}
