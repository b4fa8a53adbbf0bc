package console

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// fakeAutomations is a stand-in service with one read, one operator
// action and one admin action, counting the changes that reach it.
type fakeAutomations struct {
	applied, created atomic.Int32
}

func (f *fakeAutomations) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Pattern: "/v1/automations", MinRole: api.RoleAuditor, Summary: "List automations",
			Handler: func(*api.Call) (any, error) {
				return []map[string]any{{"id": "onboard", "name": "Onboarding <b>x</b>", "enabled": true}}, nil
			}},
		{Method: "POST", Pattern: "/v1/automations", MinRole: api.RoleAdmin, Summary: "Create an automation",
			Request: map[string]string{"name": ""},
			Handler: func(*api.Call) (any, error) {
				f.created.Add(1)
				return api.Created(map[string]string{"id": "new"}), nil
			}},
		{Method: "POST", Pattern: "/v1/automations/{id}/apply", MinRole: api.RoleOperator, Summary: "Apply an automation now",
			Handler: func(c *api.Call) (any, error) {
				f.applied.Add(1)
				return map[string]string{"applied": c.PathValue("id")}, nil
			}},
	}
}

type fixture struct {
	srv    *httptest.Server
	tokens *api.Tokens
	fake   *fakeAutomations
}

func newFixture(t *testing.T, providers ...api.RouteProvider) *fixture {
	t.Helper()
	fake := &fakeAutomations{}
	f := newBareFixture(t, append([]api.RouteProvider{fake}, providers...)...)
	f.fake = fake
	return f
}

// newBareFixture is newFixture without the stand-in automations, for
// tests that bring their own.
func newBareFixture(t *testing.T, providers ...api.RouteProvider) *fixture {
	t.Helper()
	docs := store.NewMemoryDocs()
	tokens := api.NewTokens(docs)
	srv := api.NewServer(api.Options{Auth: tokens})
	f := &fixture{tokens: tokens}
	if err := srv.Mount(providers...); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{API: srv, Auth: tokens})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(Mux(srv, c))
	t.Cleanup(f.srv.Close)
	return f
}

// browser is an HTTP client with cookies that does not follow redirects,
// so tests see each answer.
func (f *fixture) browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func get(t *testing.T, b *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func post(t *testing.T, b *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := b.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// signIn creates a token with role and signs a fresh browser in with it,
// returning the browser and the session's CSRF token.
func (f *fixture) signIn(t *testing.T, role api.Role) (*http.Client, string) {
	t.Helper()
	secret, _, err := f.tokens.Create(context.Background(), role.String()+"-user", role)
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	_, page := get(t, b, f.srv.URL+"/login")
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("login form has no CSRF token")
	}
	resp, _ := post(t, b, f.srv.URL+"/login", url.Values{"csrf_token": {m[1]}, "token": {secret}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in answered %d", resp.StatusCode)
	}
	_, page = get(t, b, f.srv.URL+"/s/automations")
	m = csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("signed-in page has no CSRF token")
	}
	return b, m[1]
}

func TestSignInSetsAStrictHttpOnlyCookie(t *testing.T) {
	f := newFixture(t)
	secret, _, _ := f.tokens.Create(context.Background(), "ada", api.RoleAdmin)
	b := f.browser(t)
	_, page := get(t, b, f.srv.URL+"/login")
	tok := csrfRe.FindStringSubmatch(page)[1]
	resp, _ := post(t, b, f.srv.URL+"/login", url.Values{"csrf_token": {tok}, "token": {secret}, "next": {"/s/runs"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/s/runs" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var sc *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Secure {
		t.Fatalf("session cookie = %+v; want HttpOnly, SameSite=Strict, not Secure on plain HTTP", sc)
	}
	if strings.Contains(sc.Value, secret) {
		t.Fatal("the session cookie carries the API token")
	}
}

func TestSignInRefusals(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	_, page := get(t, b, f.srv.URL+"/login")
	tok := csrfRe.FindStringSubmatch(page)[1]
	if resp, body := post(t, b, f.srv.URL+"/login", url.Values{"csrf_token": {tok}, "token": {"idb_not-a-token"}}); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "not valid") {
		t.Fatalf("unknown token: %d", resp.StatusCode)
	}
	// A sign-in posted from elsewhere has no matching login cookie.
	other := f.browser(t)
	secret, _, _ := f.tokens.Create(context.Background(), "x", api.RoleAdmin)
	if resp, _ := post(t, other, f.srv.URL+"/login", url.Values{"csrf_token": {"forged"}, "token": {secret}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged sign-in: %d, want 403", resp.StatusCode)
	}
}

func TestPagesNeedASession(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	resp, err := b.Get(f.srv.URL + "/integrations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("no session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := post(t, b, f.srv.URL+"/s/automations/call", url.Values{"route": {"POST /v1/automations"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("change without session: %d, want 401", resp.StatusCode)
	}
	if f.fake.created.Load() != 0 {
		t.Fatal("a change without a session reached the service")
	}
}

func TestChangeWithoutCSRFTokenIsRefused(t *testing.T) {
	f := newFixture(t)
	b, _ := f.signIn(t, api.RoleAdmin)
	for _, tok := range []string{"", "wrong"} {
		resp, body := post(t, b, f.srv.URL+"/s/automations/call", url.Values{"csrf_token": {tok}, "route": {"POST /v1/automations"}, "body": {`{"name":"x"}`}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "security token") {
			t.Fatalf("csrf %q: %d", tok, resp.StatusCode)
		}
	}
	if f.fake.created.Load() != 0 {
		t.Fatal("a change without a valid CSRF token reached the service")
	}
}

func TestRolesOfTheAPIApply(t *testing.T) {
	f := newFixture(t)
	call := func(b *http.Client, csrf, route string, form url.Values) *http.Response {
		form.Set("csrf_token", csrf)
		form.Set("route", route)
		resp, _ := post(t, b, f.srv.URL+"/s/automations/call", form)
		return resp
	}

	aud, audCSRF := f.signIn(t, api.RoleAuditor)
	_, page := get(t, aud, f.srv.URL+"/s/automations")
	if strings.Contains(page, `action="/s/automations/call"`) {
		t.Fatal("the auditor's page draws change forms")
	}
	if !strings.Contains(page, "Onboarding &lt;b&gt;x&lt;/b&gt;") {
		t.Fatal("the auditor's page does not show the list, escaped")
	}
	if resp := call(aud, audCSRF, "POST /v1/automations/{id}/apply", url.Values{"path.id": {"onboard"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("auditor apply: %d, want 403", resp.StatusCode)
	}

	op, opCSRF := f.signIn(t, api.RoleOperator)
	_, page = get(t, op, f.srv.URL+"/s/automations")
	if !strings.Contains(page, `data-op="POST /v1/automations/{id}/apply"`) || strings.Contains(page, `data-op="POST /v1/automations"`) {
		t.Fatal("the operator should see apply and not create")
	}
	if resp := call(op, opCSRF, "POST /v1/automations", url.Values{"body": {`{"name":"x"}`}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("operator create: %d, want 403", resp.StatusCode)
	}
	if resp := call(op, opCSRF, "POST /v1/automations/{id}/apply", url.Values{"path.id": {"onboard"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("operator apply: %d, want 303", resp.StatusCode)
	}
	if f.fake.applied.Load() != 1 || f.fake.created.Load() != 0 {
		t.Fatalf("applied %d created %d; want 1 and 0", f.fake.applied.Load(), f.fake.created.Load())
	}
	_, page = get(t, op, f.srv.URL+"/s/automations")
	if !strings.Contains(page, "Apply an automation now: done.") || !strings.Contains(page, "onboard") {
		t.Fatal("the answer of the change is not shown after it")
	}
}

func TestUnwiredServicesShowNotAvailable(t *testing.T) {
	f := newFixture(t)
	b, _ := f.signIn(t, api.RoleAdmin)
	for _, p := range []string{"/extensions", "/integrations", "/inbound", "/s/runs", "/s/outbound"} {
		code, page := get(t, b, f.srv.URL+p)
		if code != http.StatusOK || !strings.Contains(page, "Not available") {
			t.Fatalf("%s: %d, want a 200 saying not available", p, code)
		}
	}
	_, page := get(t, b, f.srv.URL+"/s/automations")
	if strings.Contains(page, "Not available") {
		t.Fatal("a wired section says not available")
	}
	// The dedicated pages of unwired services fall back to the generic
	// ones, which say not available.
	for p, to := range map[string]string{"/sync": "/s/sync", "/runs": "/s/runs", "/templates": "/s/templates", "/outbound": "/s/outbound"} {
		resp, err := b.Get(f.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != to {
			t.Fatalf("%s: %d to %q, want a redirect to %s", p, resp.StatusCode, resp.Header.Get("Location"), to)
		}
	}
	if _, nav := get(t, b, f.srv.URL+"/s/automations"); !strings.Contains(nav, `href="/s/outbound" class=" off"`) {
		t.Fatal("the navigation does not mark the unwired outbound section")
	}
}

func TestSafeNextStaysOnSite(t *testing.T) {
	for in, want := range map[string]string{"/s/runs": "/s/runs", "//evil.example": "/", "https://evil.example": "/", "/\\evil": "/", "": "/",
		"/runs?status=failed&after=x": "/runs?status=failed&after=x", "/integrations/ck#tests": "/integrations/ck#tests",
		// Browsers drop tabs and newlines from a URL, and read a
		// backslash as a slash: each of these is //evil.example to them.
		"/\t/evil.example/": "/", "/\n/evil.example": "/", "/\r\n/evil.example": "/", "\t//evil.example": "/", "/\\/evil.example": "/",
		"/ /evil.example": "/", "/\x00/evil.example": "/", "/\x7f/evil.example": "/",
		"javascript:alert(1)": "/", "/%09/evil.example": "/%09/evil.example", "https:/evil.example": "/", "/a/../\t/evil": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignInNextAndBackToStayOnSite signs in with a next that a browser
// would follow to another site, and reads a back field of the same kind:
// both stay on the console.
func TestSignInNextAndBackToStayOnSite(t *testing.T) {
	f := newFixture(t)
	secret, _, _ := f.tokens.Create(context.Background(), "ada", api.RoleAdmin)
	b := f.browser(t)
	_, page := get(t, b, f.srv.URL+"/login")
	tok := csrfRe.FindStringSubmatch(page)[1]
	resp, _ := post(t, b, f.srv.URL+"/login", url.Values{"csrf_token": {tok}, "token": {secret}, "next": {"/\t/evil.example/"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
		t.Fatalf("sign-in with a tab-smuggled next: %d to %q; want / on this site", resp.StatusCode, loc)
	}
	req := httptest.NewRequest("POST", "/x", strings.NewReader("back=%2F%09%2Fevil.example%2F"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if got := backTo(req, "/s/runs"); got != "/s/runs" {
		t.Fatalf("backTo with a tab-smuggled path = %q; want the default", got)
	}
}

func TestRenderValueEscapes(t *testing.T) {
	got := string(renderValue(map[string]any{"<k>": []any{map[string]any{"id": "<script>"}}}))
	if strings.Contains(got, "<script>") || strings.Contains(got, "<k>") {
		t.Fatalf("unescaped: %s", got)
	}
}

func TestRevokedTokenEndsTheSession(t *testing.T) {
	f := newFixture(t)
	b, _ := f.signIn(t, api.RoleAdmin)
	recs, err := f.tokens.List(context.Background())
	if err != nil || len(recs) != 1 {
		t.Fatalf("tokens: %v %v", recs, err)
	}
	if err := f.tokens.Revoke(context.Background(), recs[0].ID); err != nil {
		t.Fatal(err)
	}
	resp, err := b.Get(f.srv.URL + "/s/automations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("after revocation: %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSessionsExpireWhenIdle(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := newSessions(time.Hour, func() time.Time { return now })
	ss := s.create("idb_x", api.Principal{Name: "a", Role: api.RoleAdmin})
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: ss.id})
	now = now.Add(59 * time.Minute)
	if s.get(req) == nil {
		t.Fatal("a session used within its idle time expired")
	}
	now = now.Add(61 * time.Minute)
	if s.get(req) != nil {
		t.Fatal("an idle session outlived its time")
	}
}

func TestCookiesAreSecureUnderTLS(t *testing.T) {
	docs := store.NewMemoryDocs()
	tokens := api.NewTokens(docs)
	srv := api.NewServer(api.Options{Auth: tokens})
	c, err := New(Options{API: srv, Auth: tokens})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(Mux(srv, c))
	defer ts.Close()
	resp, err := ts.Client().Get(ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == loginCookie && (!ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode) {
			t.Fatalf("login cookie under TLS = %+v", ck)
		}
	}
	if len(resp.Cookies()) == 0 {
		t.Fatal("no cookie set")
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP = %q", csp)
	}
}
