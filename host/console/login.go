package console

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// loginData is the sign-in page's content.
type loginData struct {
	Next  string
	Error string
}

// loginPage shows the sign-in form. It sets a one-off cookie whose value
// the form echoes, so a sign-in cannot be forged from another site
// (login CSRF) before any session exists.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.showLogin(w, r, http.StatusOK, "")
}

func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	tok := randomID()
	http.SetCookie(w, c.cookie(r, loginCookie, tok, 600))
	p := c.newPage(nil, "", "Sign in", loginData{Next: safeNext(r.FormValue("next")), Error: msg})
	p.CSRF = tok
	c.render(w, status, "login", p)
}

// login exchanges an API token for a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(loginCookie)
	form := r.PostFormValue(csrfField)
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(form)) != 1 {
		c.showLogin(w, r, http.StatusForbidden, "The sign-in form expired. Try again.")
		return
	}
	token := strings.TrimSpace(r.PostFormValue("token"))
	if token == "" {
		c.showLogin(w, r, http.StatusUnauthorized, "Paste an API token (the first admin token is in the data folder's admin.token).")
		return
	}
	p, err := c.opts.Auth.Authenticate(r.Context(), token)
	if err != nil {
		c.log.Info("console sign-in refused", "remote", r.RemoteAddr)
		c.showLogin(w, r, http.StatusUnauthorized, "That token is not valid: it is unknown or was revoked.")
		return
	}
	s := c.sessions.create(token, p)
	c.log.Info("console sign-in", "actor", p.Name, "role", p.Role.String(), "remote", r.RemoteAddr)
	http.SetCookie(w, c.cookie(r, loginCookie, "", -1))
	http.SetCookie(w, c.cookie(r, sessionCookie, s.id, 0))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// logout ends the session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	c.sessions.end(s.id)
	http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-sign-in (or back) redirect on this site: a path
// of this origin, else "/". Browsers drop tabs and newlines from a URL
// and read a backslash as a slash, so "/\t/evil.example" is
// "//evil.example" to them: any control character, space or backslash
// refuses the path, then it must parse as a path alone (no scheme, no
// host) that does not start with "//". See decision 0193.
func safeNext(next string) string {
	if next == "" || strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' || unicode.IsControl(r) }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
