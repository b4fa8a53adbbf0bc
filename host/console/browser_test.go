package console_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// chromium finds Debian's Chromium. Without it the browser test skips,
// except in CI, where .ci/install-browser has installed it and a missing
// browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; CI must run the console's browser test (run .ci/install-browser as root)")
	}
	t.Skip("Chromium is not installed (apt-get install chromium, or run .ci/install-browser as root)")
	return ""
}

// artifacts is where screenshots of each page are written.
func artifacts(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "artifacts", "console"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser drives one headless Chromium tab.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	// axe is axe-core's script, run on every page shot; nil skips it.
	axe []byte

	// explorer collects every page the tab was sent to under /s/ (the
	// API explorer), redirects included: the admin's path goes through
	// the forms only.
	mu       sync.Mutex
	explorer []string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := chromium(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx, base: base, shots: artifacts(t), axe: axeScript(t)}
	// Listen runs on the tab's reading loop: it only notes the address.
	if err := chromedp.Listen(ctx, func(ev any) {
		req, ok := ev.(*network.EventRequestWillBeSent)
		if !ok || req.Type != network.ResourceTypeDocument {
			return
		}
		if u, err := url.Parse(req.Request.URL); err == nil && strings.HasPrefix(u.Path, "/s/") {
			b.mu.Lock()
			b.explorer = append(b.explorer, u.RequestURI())
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	t.Cleanup(b.formsOnly)
	return b
}

// formsOnly fails the test when the tab has been sent to an explorer
// page (/s/...) since the last check.
func (b *browser) formsOnly() {
	b.t.Helper()
	b.mu.Lock()
	pages := b.explorer
	b.explorer = nil
	b.mu.Unlock()
	if len(pages) > 0 {
		b.t.Fatalf("the console sent the browser to the API explorer (%s); every step must have a form", strings.Join(pages, ", "))
	}
}

// step runs actions with a time bound, failing the test with what.
func (b *browser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

// submit clicks a control that navigates and returns the final status.
func (b *browser) submit(what string, sel chromedp.CSS) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Minute)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
	if err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
	b.formsOnly()
	return resp.Status
}

// enter presses Enter in the field sel, as an admin ends typing, and
// returns the status of the page it leads to.
func (b *browser) enter(what string, sel chromedp.CSS) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Minute)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.SendKeys(sel, kb.Enter))
	if err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
	return resp.Status
}

func (b *browser) open(path string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	b.formsOnly()
	return resp.Status
}

func (b *browser) text(sel chromedp.CSS) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		b.shot("failed-text")
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// html is the whole document as the browser holds it.
func (b *browser) html() string { return eval[string](b, `document.documentElement.outerHTML`) }

// axeScript is axe-core (fetched by .ci/install-axe), or nil when it is
// not there outside CI.
func axeScript(t *testing.T) []byte {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is missing (%v); CI must check the pages' accessibility (run .ci/install-axe)", err)
		}
		t.Logf("axe-core is missing (%v): the pages' accessibility is not checked (run .ci/install-axe)", err)
		return nil
	}
	return raw
}

// checkAccessibility runs axe-core on the page and fails on any serious
// or critical violation, naming the rule and the elements.
func (b *browser) checkAccessibility(name string) {
	b.t.Helper()
	if b.axe == nil {
		return
	}
	if !eval[bool](b, `typeof window.axe !== "undefined"`) {
		eval[bool](b, string(b.axe)+";true")
	}
	found := eval[string](b, `axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
		return r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
			.map(function (v) { return v.impact + " " + v.id + ": " + v.help + " [" + v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); }).join(" | ") + "]"; })
			.join("\n"); })`)
	if found != "" {
		b.t.Errorf("page %s has accessibility violations:\n%s", name, found)
	}
}

// guideShots are the screenshots the admin guide shows, by the name the
// test gives them: the file under docs/admin/img/ and, for a page whose
// point is one part, that part's selector (the picture is then of it
// alone). `make screenshots` (UPDATE_SCREENSHOTS=1) writes them there, so
// the guide shows the console as it is; other runs leave the
// documentation alone. See decision 0272.
var guideShots = map[string]struct{ file, part string }{
	"00-overview":                      {file: "overview"},
	"02-marketplace-installed":         {file: "marketplace"},
	"04-integration-tested":            {file: "integration"},
	"04b-integration-refused-settings": {file: "integration-refused-settings"},
	"07-datasource-form":               {file: "data-source-form"},
	"09-sync-plan":                     {file: "sync-plan"},
	"11-outbound-test-form":            {file: "webhook-test-picker"},
	"12c-webhook-row-refused":          {file: "webhook-refused", part: "#editor"},
	"16a-automation-refused":           {file: "automation-refused", part: "#editor"},
	"18-automation-run":                {file: "automation-run"},
	"13a-template-steps":               {file: "template-steps", part: "#steps-editor"},
	"16b-automation-schedule-checked":  {file: "automation-schedule", part: "#editor"},
}

// shot writes a full-page screenshot as an artifact, after checking the
// page's accessibility and that it shows no developer words.
func (b *browser) shot(name string) {
	if !strings.HasPrefix(name, "failed-") {
		b.checkAccessibility(name)
		b.noWords(name, developerWords)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
	if doc, ok := guideShots[name]; ok && os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		if doc.part != "" {
			if png, err = chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(doc.part))); err != nil {
				b.t.Errorf("screenshot %s of %s for the admin guide: %v", doc.file, doc.part, err)
				return
			}
		}
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "admin", "img", doc.file+".png"), png, 0o644); err != nil {
			b.t.Errorf("screenshot %s for the admin guide: %v", doc.file, err)
		}
	}
}

// flashOK returns the message of the page's flash, failing when the
// change did not succeed.
func (b *browser) flashOK(what string) string { return b.flash(what, "ok") }

// flashBad returns the message of the page's flash, failing when the
// change was not refused or failed, or when the flash is drawn as good.
func (b *browser) flashBad(what string) string { return b.flash(what, "bad") }

// flash returns the flash's message, failing unless it has class want.
func (b *browser) flash(what, want string) string {
	b.t.Helper()
	is := eval[bool](b, `!!document.querySelector("#flash.`+want+`")`)
	msg := b.text("#flash")
	if !is {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: the flash is not %s: %s", what, want, msg)
	}
	return msg
}

// values reads the values of the inputs sels, joined by "|".
func (b *browser) values(sels ...string) string {
	b.t.Helper()
	js := fmt.Sprintf(`%q.split("\n").map(function (s) { var e = document.querySelector(s); return e ? e.value : "<no " + s + ">"; }).join("|")`, strings.Join(sels, "\n"))
	return eval[string](b, js)
}

// developerWords are what no page of the console may show the admin: a
// directory server's result code, a command-line flag or command.
var developerWords = []string{"LDAP Result Code", "pass --", "`idbridge ", "use idbridge"}

// noMachineWords fails when what the admin reads after a refusal shows an
// API path, an LDAP result code or a command-line hint instead of words.
func (b *browser) noMachineWords(what string) {
	b.t.Helper()
	b.noWords(what, append([]string{"headers[", "query[", "mappings[", "trigger.", "scope.ou", "scope.filter", "action.template", "paging."}, developerWords...))
}

// noWords fails when the page's main part shows any of bad.
func (b *browser) noWords(what string, bad []string) {
	b.t.Helper()
	msg := b.text("main")
	for _, bad := range bad {
		if strings.Contains(msg, bad) {
			b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
			b.t.Fatalf("%s: the page shows %q: %.600s", what, bad, msg)
		}
	}
}

// fill types value into the input sel (an empty value too, which
// SetValue cannot).
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.value = %q; return true })()`, sel, value)
	if !eval[bool](b, js) {
		b.t.Fatalf("no field %s to fill", sel)
	}
}

func (b *browser) signIn(token string) {
	b.t.Helper()
	b.open("/login")
	b.step("type the token", chromedp.SetValue(chromedp.CSS("#token"), token))
	if st := b.submit("sign in", "#sign-in"); st != 200 {
		b.t.Fatalf("sign in answered %d", st)
	}
}

func (b *browser) signOut() {
	b.t.Helper()
	b.submit("sign out", `header form[action="/logout"] button`)
}

// TestConsoleInBrowser is the admin's path through the console in a real
// browser against a host with the real Clockify connector, the Clockify
// sandbox and an LDAP directory, through the forms only (a visit to an
// API explorer page, /s/..., fails it): install by upload, configure,
// test, test and save an inbound endpoint, create a data source, preview
// and apply a plan to one user, test and write webhooks, write a
// template, create an automation and apply it now; then the operator's
// and the auditor's pages, a change refused for want of a CSRF token and
// one refused by role (403). Each bad input the admin may type (a wrong
// API key, a blanked setting, a user or DN nobody has, a refused custom
// endpoint, data source, webhook or automation) is refused in words and
// leaves what was typed in the form. See decision 0272.
func TestConsoleInBrowser(t *testing.T) {
	chromium(t) // skip (or fail in CI) before building anything
	h := startHost(t)
	b := newBrowser(t, h.URL)

	// Sign in as the admin.
	b.open("/login")
	b.shot("01-login")
	b.signIn(h.Admin)
	if role := b.text("#role"); role != "admin" {
		t.Fatalf("signed in as %q, want admin", role)
	}

	// The overview is the first page after signing in.
	if h := b.text("h1"); h != "Overview" {
		t.Fatalf("after signing in the page is %q, want the overview", h)
	}

	// Marketplace: trust the publisher's key, upload the .ext.
	b.open("/extensions")
	pub, err := os.ReadFile(h.Ext.KeyPath + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	b.step("open the trust form", chromedp.Click(chromedp.CSS("#trust-key summary")),
		chromedp.SetValue(chromedp.CSS("#key-name"), "idbridge marketplace"),
		chromedp.SetValue(chromedp.CSS("#key-pem"), string(pub)))
	b.submit("trust the key", "#trust-button")
	b.flashOK("trust the key")
	b.step("choose the .ext", chromedp.SetUploadFiles(chromedp.CSS("#archive"), []string{h.Ext.Path}))
	b.submit("upload the extension", "#upload-button")
	b.flashOK("install by upload")
	if sig := b.text(`tr[data-extension="clockify"] [data-signature]`); sig != "verified" {
		t.Fatalf("signature status %q, want verified", sig)
	}
	b.shot("02-marketplace-installed")

	// Integrations: create, settings, key, enable, test.
	b.open("/integrations")
	b.step("name the integration", chromedp.SetValue(chromedp.CSS("#create-name"), "Clockify"))
	b.shot("03-integrations-empty")
	b.submit("create the integration", "#create-button")
	b.flashOK("create the integration")
	b.step("enter the settings",
		chromedp.SetValue(chromedp.CSS("#setting-workspaceId"), sandbox.DefaultWorkspaceID),
		chromedp.SetValue(chromedp.CSS("#setting-baseUrl"), h.Sandbox.BaseURL()))
	b.submit("save the settings", "#save-settings")
	b.flashOK("save the settings")
	b.step("enter the API key", chromedp.SetValue(chromedp.CSS("#secret-apiKey"), sandbox.DefaultAdminKey))
	b.submit("save the authorization", "#save-authorization")
	b.flashOK("save the authorization")
	if st := b.text("#secret-state-apiKey"); st != "set" {
		t.Fatalf("API key state %q, want set", st)
	}
	if strings.Contains(b.html(), sandbox.DefaultAdminKey) {
		t.Fatal("the page shows the API key back")
	}
	b.submit("enable", "#toggle")
	b.flashOK("enable the integration")
	if st := b.text("#state"); st != "enabled" {
		t.Fatalf("integration state %q after enabling", st)
	}
	b.submit("test the connection", "#test")
	if msg := b.flashOK("test the connection"); !strings.Contains(msg, "passed") {
		t.Fatalf("test answer: %s", msg)
	}
	if strings.Contains(b.html(), sandbox.DefaultAdminKey) {
		t.Fatal("the test's answer shows the API key")
	}
	b.shot("04-integration-tested")

	// Refused settings: every problem beside its field, what was typed
	// kept; the stored values stay.
	b.fill("#setting-workspaceId", "")
	b.fill("#setting-rateLimit", "fast")
	b.submit("save bad settings", "#save-settings")
	b.flashBad("save bad settings")
	// The blanked Workspace ID stays blank (not the stored value back),
	// the bad rate stays as typed.
	if v := b.values("#setting-workspaceId", "#setting-rateLimit"); v != "|fast" {
		t.Fatalf("after a refused save the fields hold %q, want what was typed", v)
	}
	for _, f := range []string{"workspaceId", "rateLimit"} {
		if msg := b.text(chromedp.CSS("#error-setting-" + f)); msg == "" {
			t.Fatalf("no error next to %s", f)
		}
	}
	b.noMachineWords("save bad settings")
	b.shot("04b-integration-refused-settings")

	// A wrong API key: saved, tested at once, shown as failed, and the
	// integration is turned off instead of staying enabled on a dead key.
	b.step("enter a wrong API key", chromedp.SetValue(chromedp.CSS("#secret-apiKey"), "wrong-key-0000"))
	b.submit("save a wrong key", "#save-authorization")
	if msg := b.flashBad("save a wrong key"); !strings.Contains(msg, "do not work") {
		t.Fatalf("a wrong key was answered %q", msg)
	}
	if st, status := b.text("#state"), b.text("#status"); st != "disabled" || !strings.Contains(status, "failed") {
		t.Fatalf("after a wrong key: state %q, status %q", st, status)
	}
	if lt := b.text("#last-test"); strings.Contains(lt, "Passed") {
		t.Fatalf("after a wrong key the last test says %q", lt)
	}
	// The key is a secret: never kept nor shown back (decision 0222); the
	// settings beside it are still the stored ones.
	if v := b.values("#secret-apiKey", "#setting-workspaceId"); v != "|"+sandbox.DefaultWorkspaceID {
		t.Fatalf("after a wrong key the form holds %q", v)
	}
	if strings.Contains(b.html(), "wrong-key-0000") {
		t.Fatal("the page shows the wrong key back")
	}
	b.step("enter the API key again", chromedp.SetValue(chromedp.CSS("#secret-apiKey"), sandbox.DefaultAdminKey))
	b.submit("save the key again", "#save-authorization")
	b.flashOK("save the key again")
	b.submit("enable again", "#toggle")
	b.flashOK("enable again")
	b.open("/integrations")
	if on := eval[bool](b, `document.querySelector('tr[data-integration="clockify"] button.toggle.on') !== null`); !on {
		t.Fatal("the integrations list does not show the toggle on")
	}
	b.shot("05-integrations")

	// Inbound: test and save List Users; the fields come back.
	b.open("/integrations/clockify/inbound")
	b.submit("test and save List Users", `button[data-test-save="list-users"]`)
	b.flashOK("test and save List Users")
	if f := b.text("#fields"); !strings.Contains(f, "email") || !strings.Contains(f, "memberships[].membershipStatus") {
		t.Fatalf("test and save did not show the fields: %.400s", f)
	}
	if req := b.text("#request"); !strings.Contains(req, "/users") {
		t.Fatalf("test and save did not show the request: %s", req)
	}
	if strings.Contains(b.html(), sandbox.DefaultAdminKey) {
		t.Fatal("the inbound test shows the API key")
	}
	b.shot("06-inbound-test-and-save")

	// A custom endpoint refused: page paging without its parameter and a
	// header without a proper name; each problem beside its field, every
	// typed value kept, nothing saved.
	b.fill("#field-id", "groups-custom")
	b.fill("#field-name", "Groups (custom)")
	b.fill("#field-url", "/v1/workspaces/{WorkspaceID}/user-groups")
	b.fill("#field-primaryKey", "id")
	b.fill("#headers-name-0", "Bad Header")
	b.fill("#headers-value-0", "x")
	b.fill("#query-name-0", "sort-column")
	b.fill("#query-value-0", "NAME")
	b.fill(`select[name="paging.kind"]`, "page")
	b.submit("save a bad custom endpoint", "#save-endpoint")
	b.flashBad("save a bad custom endpoint")
	kept := eval[string](b, `["#field-id", "#field-url", "#headers-name-0", "#query-value-0", "select[name='paging.kind']"].map(function (s) { return document.querySelector(s).value; }).join("|")`)
	if kept != "groups-custom|/v1/workspaces/{WorkspaceID}/user-groups|Bad Header|NAME|page" {
		t.Fatalf("after a refused endpoint save the form holds %q, want what was typed", kept)
	}
	// Each problem beside its field in the form's words, never the API's
	// path (headers[0].name). See decision 0271.
	for e, want := range map[string]string{"#error-headers-0": "Header 1 name: ", `[id="error-field-paging.pageParam"]`: "Page, offset or cursor parameter: "} {
		if msg := b.text(chromedp.CSS(e)); !strings.HasPrefix(msg, want) {
			t.Fatalf("the error at %s says %q, want it to start with %q", e, msg, want)
		}
	}
	if msg := b.text("#flash"); strings.Contains(msg, "headers[") || strings.Contains(msg, "paging.") {
		t.Fatalf("the refusal shows an API path: %s", msg)
	}
	if eval[bool](b, `!!document.querySelector('tr[data-endpoint="groups-custom"]')`) {
		t.Fatal("a refused custom endpoint was saved")
	}
	b.shot("06a-inbound-custom-refused")
	// Add row gives one more header row without testing or saving, every
	// value kept; Remove takes the bad header away.
	b.submit("add a header row", "#add-headers")
	if v := b.values("#field-id", "#headers-name-0", "#query-value-0", "select[name='paging.kind']"); v != "groups-custom|Bad Header|NAME|page" || !eval[bool](b, `!!document.querySelector("#headers-name-2") && !document.querySelector("#flash")`) {
		t.Fatalf("after Add row the endpoint form holds %q, or has no third header row, or shows a message", v)
	}
	b.submit("remove the bad header", `button[value="remove:headers:0"]`)
	if v := b.values("#headers-name-0", "#field-url"); v != "|/v1/workspaces/{WorkspaceID}/user-groups" {
		t.Fatalf("after Remove the endpoint form holds %q", v)
	}

	// Corrected: tested against the app and saved with its fields and
	// its query parameter.
	b.fill(`select[name="paging.kind"]`, "none")
	b.submit("save the custom endpoint", "#save-endpoint")
	b.flashOK("save the custom endpoint")
	if row := b.text(`tr[data-endpoint="groups-custom"]`); !strings.Contains(row, "custom") || !strings.Contains(row, "tested") {
		t.Fatalf("the custom endpoint is listed as %q", row)
	}
	b.shot("06b-inbound-custom")

	// Edited through its own form: filled from the stored endpoint.
	b.open("/integrations/clockify/inbound?edit=groups-custom")
	if v := eval[string](b, `document.querySelector("#query-name-0").value + "=" + document.querySelector("#query-value-0").value`); v != "sort-column=NAME" {
		t.Fatalf("the edit form shows the parameter %q", v)
	}
	b.fill("#field-name", "User groups")
	b.submit("edit the custom endpoint", "#save-endpoint")
	b.flashOK("edit the custom endpoint")
	if row := b.text(`tr[data-endpoint="groups-custom"]`); !strings.Contains(row, "User groups") {
		t.Fatalf("the edited endpoint is listed as %q", row)
	}

	// Data source: List Users joined on its id, a mapping with a custom
	// format, matched on mail, scoped to one user.
	b.open("/sync")
	b.step("fill the data source",
		chromedp.SetValue(chromedp.CSS("#ds-id"), "clockify-people"),
		chromedp.SetValue(chromedp.CSS("#ds-name"), "Clockify people"),
		chromedp.SetValue(chromedp.CSS("#ds-category"), "update users"),
		chromedp.SetValue(chromedp.CSS("#ep0-alias"), "users"),
		chromedp.SetValue(chromedp.CSS("#ep0-endpoint"), "clockify/list-users"),
		chromedp.SetValue(chromedp.CSS("#ep0-key"), "id"),
		chromedp.SetValue(chromedp.CSS("#map0-format"), "clockify:%users.id%"),
		chromedp.SetValue(chromedp.CSS("#map0-attribute"), "description"),
		chromedp.SetValue(chromedp.CSS("#match-field"), "users:email"),
		chromedp.SetValue(chromedp.CSS("#match-attribute"), "mail"),
		chromedp.Click(chromedp.CSS("#match-ci")),
		chromedp.SetValue(chromedp.CSS("#scope-filter"), "(mail="+h.People.Mail["barbara"]+")"))
	// Add mapping redraws the form with one more row, nothing lost and
	// nothing saved; the chosen endpoint's tested fields are now offered
	// as alias:path, the directory's attributes from its schema.
	b.submit("add a mapping row", "#add-mapping")
	dsKept := `["#ds-id", "#ep0-endpoint", "#map0-format", "#map0-attribute", "#match-field", "#scope-filter"].map(function (s) { return document.querySelector(s).value; }).join("|") + "|" + document.querySelector("#match-ci").checked`
	wantDS := "clockify-people|clockify/list-users|clockify:%users.id%|description|users:email|(mail=" + h.People.Mail["barbara"] + ")|true"
	if v := eval[string](b, dsKept); v != wantDS {
		t.Fatalf("after Add mapping the form holds %q, want %q", v, wantDS)
	}
	if !eval[bool](b, `!!document.querySelector("#map2-field") && !document.querySelector("#map3-field") && !document.querySelector("#flash")`) {
		t.Fatal("Add mapping did not draw exactly one more row, or showed a message")
	}
	if !eval[bool](b, `!!document.querySelector('#app-fields option[value="users:email"]') && !!document.querySelector('#ad-attributes option[value="employeeID"]')`) {
		t.Fatal("the data source form does not offer the endpoint's tested fields and the directory's attributes")
	}
	b.submit("remove the added mapping row", `button[value="remove:mappings[]:2"]`)
	if eval[bool](b, `!!document.querySelector("#map2-field")`) || eval[string](b, dsKept) != wantDS {
		t.Fatal("Remove did not take the row away, or lost what was typed")
	}
	// A mapping to an attribute the directory does not have is refused
	// beside its input, on its row; every typed value stays.
	b.fill("#map1-field", "users:name")
	b.fill("#map1-attribute", "titel")
	b.submit("save a data source with an unknown attribute", "#save-datasource")
	b.flashBad("save a data source with an unknown attribute")
	b.noMachineWords("save a data source with an unknown attribute")
	if msg := b.text("#error-map1-attribute"); !strings.Contains(msg, "titel") {
		t.Fatalf("the unknown attribute's error says %q", msg)
	}
	if v := eval[string](b, dsKept+` + "|" + document.querySelector("#map1-field").value + "|" + document.querySelector("#map1-attribute").value`); v != wantDS+"|users:name|titel" {
		t.Fatalf("after a refused data source save the form holds %q", v)
	}
	b.shot("07a-datasource-refused")
	b.fill("#map1-field", "")
	b.fill("#map1-attribute", "")
	b.shot("07-datasource-form")
	// Enter in a field saves the form: the form's first button is a hidden
	// Save, never a row's Remove. See decision 0268.
	b.enter("create the data source with Enter", "#ds-name")
	b.flashOK("create the data source")
	if !eval[bool](b, `!!document.querySelector('tr[data-datasource="clockify-people"]')`) {
		t.Fatal("Enter in the data source form did not save it")
	}
	b.shot("08-datasource-created")

	b.submit("preview the plan", `button[data-plan="clockify-people"]`)
	for _, sel := range []string{"#cat-updates", "#cat-creates", "#cat-orphans", "#cat-conflicts"} {
		b.text(chromedp.CSS(sel))
	}
	if u := b.text(`table[data-category="updates"]`); !strings.Contains(u, h.People.Mail["barbara"]) || !strings.Contains(u, "description") {
		t.Fatalf("the plan's updates do not show barbara's description: %s", u)
	}
	if o := b.text(`table[data-category="orphans"]`); !strings.Contains(o, "ada.owner@example.com") {
		t.Fatalf("the plan's orphans do not list the accounts outside the scope: %.300s", o)
	}
	b.shot("09-sync-plan")

	// The confirmation dialog is the browser's; the test answers it by
	// taking it away.
	eval[bool](b, `document.getElementById("apply-form").removeAttribute("data-confirm") || true`)
	b.submit("apply the plan", "#apply")
	if st := b.text("#run-status"); st != "succeeded" {
		b.shot("failed-apply")
		t.Fatalf("the applied run is %q", st)
	}
	b.shot("10-sync-applied")
	// The result was drawn after a redirect: refreshing draws the page
	// and applies nothing again.
	if p := eval[string](b, `location.pathname`); p != "/sync" {
		t.Fatalf("after applying, the browser is at %s, not on a page it can refresh", p)
	}
	openRun := eval[string](b, `document.getElementById("open-run").getAttribute("href")`)
	b.step("refresh after applying", chromedp.Reload())
	if eval[bool](b, `!!document.getElementById("run-status")`) {
		t.Fatal("refreshing after applying shows (and so ran) the apply again")
	}
	b.open(openRun)
	if v := b.text("main"); !strings.Contains(strings.ToLower(v), strings.ToLower(h.People.DN["barbara"])) && !strings.Contains(v, h.People.Mail["barbara"]) {
		t.Fatalf("the run does not show its object: %.300s", v)
	}
	b.shot("10b-sync-run")
	var got []directory.User
	if err := h.DirConn.Users(context.Background(), directory.UserQuery{Filter: directory.Equal("mail", h.People.Mail["barbara"]),
		Extra: []string{"description"}}, func(u directory.User) error { got = append(got, u); return nil }); err != nil || len(got) != 1 {
		t.Fatalf("read barbara: %d users, %v", len(got), err)
	}
	if d := got[0].Attributes["description"]; len(d) != 1 || !strings.HasPrefix(d[0], "clockify:") {
		t.Fatalf("barbara's description after apply = %v, want clockify:<id>", d)
	}

	// Outbound: test Add user against one AD user, with the inputs bound
	// through the macro chooser; the user lands in Clockify.
	nora := h.People.DN["nora"]
	b.open("/integrations/clockify/outbound?webhook=add-user")
	if n := eval[string](b, `document.getElementById("input-name-0").value + "," + document.getElementById("input-name-1").value`); n != "email,sendEmail" {
		t.Fatalf("the add-user inputs offered are %q", n)
	}
	chosen := eval[string](b, `(function () {
		var f = document.getElementById("input-value-0"); f.focus();
		var sel = document.querySelector("#macro-chooser select");
		sel.value = "%ad.mail%"; sel.dispatchEvent(new Event("change", {bubbles: true}));
		return f.value; })()`)
	if chosen != "%ad.mail%" {
		t.Fatalf("the macro chooser inserted %q", chosen)
	}
	// A DN nobody has is refused in words, and the test form comes back
	// as typed.
	unknownDN := "CN=Nobody Here," + h.People.ScopeOU
	b.step("fill the webhook test with an unknown DN",
		chromedp.SetValue(chromedp.CSS("#input-value-1"), "false"),
		chromedp.SetValue(chromedp.CSS("#wh-objects"), unknownDN))
	b.submit("test add-user for an unknown DN", "#run-test")
	b.flashBad("test add-user for an unknown DN")
	b.noMachineWords("test add-user for an unknown DN")
	if v := b.values("#wh-objects", "#input-value-0", "#input-value-1"); v != unknownDN+"|%ad.mail%|false" {
		t.Fatalf("after the refused test the form holds %q", v)
	}
	b.shot("11a-outbound-test-unknown-user")
	b.fill("#wh-objects", "")
	// The user is picked with the directory picker: typed, found, chosen.
	b.step("fill the webhook test",
		chromedp.SetValue(chromedp.CSS("#input-value-1"), "false"),
		chromedp.SendKeys(chromedp.CSS("#wh-objects-find"), "nora"),
		chromedp.WaitReady(chromedp.CSS(`#wh-objects-find[data-picker-found]:not([data-picker-found="0"])`)))
	picked := eval[string](b, `(function () {
		var box = document.getElementById("wh-objects-find");
		box.value = document.querySelector("#wh-objects-found option").value;
		box.dispatchEvent(new Event("input", {bubbles: true}));
		box.blur(); // closes the list of suggestions, as choosing one does
		return document.getElementById("wh-objects").value; })()`)
	if picked != nora {
		t.Fatalf("the picker put %q in the test's users, want %q", picked, nora)
	}
	b.shot("11-outbound-test-form")
	b.submit("test add-user", "#run-test")
	b.flashOK("test add-user")
	if req := b.text(`#webhook-result .request`); !strings.Contains(req, h.People.Mail["nora"]) {
		t.Fatalf("the test's request does not show the rendered body: %s", req)
	}
	if resp := b.text(`#webhook-result .response`); !strings.Contains(resp, "Sandbox Workspace") {
		t.Fatalf("the test's response is not Clockify's: %.300s", resp)
	}
	if strings.Contains(b.html(), sandbox.DefaultAdminKey) {
		t.Fatal("the webhook test shows the API key")
	}
	b.shot("12-outbound-tested")
	if p := eval[string](b, `location.pathname`); p != "/integrations/clockify/outbound" {
		t.Fatalf("after the webhook test, the browser is at %s", p)
	}
	b.step("refresh after the webhook test", chromedp.Reload())
	if eval[bool](b, `!!document.getElementById("webhook-result")`) {
		t.Fatal("refreshing after the webhook test shows (and so ran) it again")
	}
	if !inClockify(h, h.People.Mail["nora"]) {
		t.Fatal("the webhook test did not add nora to Clockify")
	}

	// A custom webhook written in its own form. Refused first: no name;
	// then an unknown macro in a header; each problem beside its field and
	// the typed values, header rows included, kept.
	b.open("/integrations/clockify/outbound")
	b.fill("#field-id", "tag-user")
	b.fill("#field-url", "/v1/workspaces/{WorkspaceID}/users/%userId%")
	b.fill(`select[name="method"]`, "PUT")
	b.fill("#headers-name-0", "X-Requested-By")
	b.fill("#headers-value-0", "idbridge %ad.nosuch%")
	b.fill("#field-body", `{"note": "%ad.mail%"}`)
	b.submit("save a bad webhook", "#save-webhook")
	b.flashBad("save a bad webhook")
	kept = eval[string](b, `["#field-id", "#field-url", "select[name='method']", "#headers-name-0", "#headers-value-0", "#field-body"].map(function (s) { return document.querySelector(s).value; }).join("|")`)
	if want := `tag-user|/v1/workspaces/{WorkspaceID}/users/%userId%|PUT|X-Requested-By|idbridge %ad.nosuch%|{"note": "%ad.mail%"}`; kept != want {
		t.Fatalf("after a refused webhook save the form holds %q, want %q", kept, want)
	}
	if msg := b.text("#error-field-name"); msg != "Name: required" {
		t.Fatalf("the error beside the webhook's name says %q", msg)
	}
	b.shot("12a-webhook-refused")
	// Named now; the unknown macro in a header is refused under the rows.
	b.fill("#field-name", "Tag a user")
	b.submit("save a webhook with an unknown macro", "#save-webhook")
	b.flashBad("save a webhook with an unknown macro")
	if msg := b.text("#error-headers-0"); !strings.HasPrefix(msg, "Header 1 value, line 1") || !strings.Contains(msg, "nosuch") {
		t.Fatalf("the header's error says %q", msg)
	}
	b.shot("12c-webhook-row-refused")
	if v := eval[string](b, `document.querySelector("#field-name").value + "|" + document.querySelector("#headers-value-0").value`); v != "Tag a user|idbridge %ad.nosuch%" {
		t.Fatalf("after the second refusal the form holds %q", v)
	}
	b.fill("#headers-value-0", "idbridge")
	b.submit("save the webhook", "#save-webhook")
	b.flashOK("save the webhook")
	if row := b.text(`tr[data-webhook="tag-user"]`); !strings.Contains(row, "custom") || !strings.Contains(row, "Tag a user") {
		t.Fatalf("the new webhook is listed as %q", row)
	}
	b.submit("edit the webhook", `a[data-edit="tag-user"]`)
	if v := eval[string](b, `document.querySelector("#headers-name-0").value`); v != "X-Requested-By" {
		t.Fatalf("the edit form shows the header %q", v)
	}
	b.fill("#field-name", "Tag a user (edited)")
	b.submit("save the edited webhook", "#save-webhook")
	b.flashOK("save the edited webhook")
	if row := b.text(`tr[data-webhook="tag-user"]`); !strings.Contains(row, "(edited)") {
		t.Fatalf("the edited webhook is listed as %q", row)
	}
	b.shot("12b-webhook-saved")
	// The confirmation dialog is the browser's; the test answers it by
	// taking the confirmation away.
	eval[bool](b, `document.querySelector('button[data-delete="tag-user"]').form.removeAttribute("data-confirm") || true`)
	b.submit("delete the webhook", `button[data-delete="tag-user"]`)
	b.flashOK("delete the webhook")
	if eval[bool](b, `!!document.querySelector('tr[data-webhook="tag-user"]')`) {
		t.Fatal("the deleted webhook is still listed")
	}

	// Orchestration: an onboarding template, applied below by an
	// automation. Written in the step editor: the webhook picked from the
	// list, its inputs as rows. Refused first: an unknown macro in an input
	// and a condition step that reads an attribute the directory lacks;
	// each problem beside its step, everything typed kept.
	b.open("/templates")
	b.fill("#st-id", "onboard")
	b.fill("#st-name", "Onboarding")
	b.fill("#step0-id", "add")
	b.fill("#step0-name", "Add to Clockify")
	b.fill("#step0-webhook", "clockify/add-user")
	b.fill(`[id="steps[0].inputs-name-0"]`, "email")
	b.fill(`[id="steps[0].inputs-value-0"]`, "%ad.nosuchattribute%")
	b.submit("add an input row", `[id="add-steps[0].inputs"]`)
	b.fill(`[id="steps[0].inputs-name-1"]`, "sendEmail")
	b.fill(`[id="steps[0].inputs-value-1"]`, "false")
	b.submit("add a step", "#add-step")
	b.fill("#step1-id", "check")
	b.fill("#step1-kind", "condition")
	b.fill("#step1-condition", `ad.nosuchattribute == "x"`)
	b.shot("13a-template-steps")
	// Check without saving finds the same problems and stores nothing.
	b.submit("check the template", "#check-steps")
	b.flashBad("check the template")
	if msg := b.text("#error-step1-condition"); !strings.Contains(msg, "nosuchattribute") {
		t.Fatalf("checking: the condition's error says %q", msg)
	}
	if eval[bool](b, `!!document.querySelector('tr[data-template="onboard"]')`) {
		t.Fatal("Check without saving saved the template")
	}
	b.submit("save a broken template", "#save-steps")
	b.flashBad("save a broken template")
	b.noMachineWords("save a broken template")
	if msg := b.text(`[id="error-rows-steps[0].inputs"]`); !strings.Contains(msg, "nosuchattribute") {
		t.Fatalf("the inputs' error says %q", msg)
	}
	if msg := b.text("#error-step1-condition"); !strings.Contains(msg, "nosuchattribute") {
		t.Fatalf("the condition's error says %q", msg)
	}
	stepsKept := `["#st-id", "#step0-webhook", "[id='steps[0].inputs-value-0']", "[id='steps[0].inputs-name-1']", "#step1-kind", "#step1-condition"].map(function (s) { return document.querySelector(s).value; }).join("|")`
	if v, want := eval[string](b, stepsKept), `onboard|clockify/add-user|%ad.nosuchattribute%|sendEmail|condition|ad.nosuchattribute == "x"`; v != want {
		t.Fatalf("after a refused template save the step editor holds %q, want %q", v, want)
	}
	b.shot("13b-template-refused")
	// Corrected: the condition step removed, the input fixed.
	b.submit("remove the condition step", `button[value="remove:steps[]:1"]`)
	if eval[bool](b, `!!document.querySelector("#step1-id")`) {
		t.Fatal("Remove did not take the condition step away")
	}
	b.fill(`[id="steps[0].inputs-value-0"]`, "%lower(ad.mail)%")
	b.submit("save the template", "#save-steps")
	b.flashOK("save the template")
	b.open("/templates?id=onboard")
	if st := b.text(`#steps tr[data-step="add"]`); !strings.Contains(st, "add-user") || !strings.Contains(st, "%lower(ad.mail)%") {
		t.Fatalf("the template's steps table shows %q", st)
	}
	b.shot("13-template-saved")
	// The JSON view stays: a template with an unknown macro is refused
	// there too, and the draft comes back.
	b.step("open the JSON view", chromedp.Click(chromedp.CSS("#editor details > summary")))
	tmpl := eval[string](b, `document.getElementById("tmpl-json").value`)
	b.step("break the template", chromedp.SetValue(chromedp.CSS("#tmpl-json"), strings.Replace(tmpl, "%lower(ad.mail)%", "%ad.nosuchattribute%", 1)))
	b.submit("save a broken JSON template", "#save-template")
	b.flashBad("save a broken JSON template")
	if !strings.Contains(eval[string](b, `document.getElementById("tmpl-json").value`), "nosuchattribute") {
		t.Fatal("the refused draft did not come back to the editor")
	}
	b.shot("13c-template-json-refused")

	// Automations: the onboarding template saved above, run by an
	// automation scoped to the staff. Refused first: a schedule that is
	// not a cron expression, named in the form's words beside its field,
	// everything typed kept.
	b.open("/automations")
	b.shot("16-automations-empty")
	b.step("fill the automation",
		chromedp.SetValue(chromedp.CSS("#au-name"), "Onboard staff"),
		chromedp.SetValue(chromedp.CSS("#au-trigger"), "schedule"),
		chromedp.SetValue(chromedp.CSS("#au-schedule"), "every morning"),
		chromedp.SetValue(chromedp.CSS("#au-ou"), h.People.ScopeOU),
		chromedp.Click(chromedp.CSS("#au-subtree")),
		chromedp.SetValue(chromedp.CSS("#au-action"), "template:onboard"))
	b.submit("create an automation with a bad schedule", "#save-automation")
	b.flashBad("create an automation with a bad schedule")
	b.noMachineWords("create an automation with a bad schedule")
	if msg := b.text("#error-au-schedule"); !strings.HasPrefix(msg, "Schedule: ") || !strings.Contains(msg, "five fields") {
		t.Fatalf("the schedule's error says %q", msg)
	}
	if v, want := b.values("#au-name", "#au-trigger", "#au-schedule", "#au-ou", "#au-action"), "Onboard staff|schedule|every morning|"+h.People.ScopeOU+"|template:onboard"; v != want {
		t.Fatalf("after a refused automation the form holds %q, want %q", v, want)
	}
	if !eval[bool](b, `document.getElementById("au-subtree").checked`) {
		t.Fatal("after a refused automation 'include sub-OUs' is unticked")
	}
	b.shot("16a-automation-refused")
	// Check schedule tells when a good one runs, saving nothing.
	b.fill("#au-schedule", "0 6 * * 1-5")
	b.submit("check the schedule", "#au-check-schedule")
	if runs := b.text("#au-next-runs"); !strings.Contains(runs, "06:00") {
		t.Fatalf("the schedule's next runs read %q", runs)
	}
	if eval[bool](b, `!!document.querySelector("tr[data-automation]")`) {
		t.Fatal("Check schedule saved the automation")
	}
	if v, want := b.values("#au-name", "#au-trigger", "#au-ou"), "Onboard staff|schedule|"+h.People.ScopeOU; v != want {
		t.Fatalf("after Check schedule the form holds %q, want %q", v, want)
	}
	b.shot("16b-automation-schedule-checked")
	b.fill("#au-trigger", "manual")
	b.fill("#au-schedule", "")
	b.submit("create the automation", "#save-automation")
	b.flashOK("create the automation")
	autoID := eval[string](b, `document.querySelector("tr[data-automation]").getAttribute("data-automation")`)
	b.submit("enable the automation", chromedp.CSS(`button[data-toggle="`+autoID+`"]`))
	b.flashOK("enable the automation")
	if !eval[bool](b, `document.querySelector('button[data-toggle="`+autoID+`"]').classList.contains("on")`) {
		t.Fatal("the automation does not show as enabled")
	}
	b.shot("17-automations")
	// Edited in the same form, filled from the stored automation.
	b.open("/automations?edit=" + autoID)
	if v, want := b.values("#au-ou", "#au-name"), h.People.ScopeOU+"|Onboard staff"; v != want {
		t.Fatalf("the edit form shows %q, want %q", v, want)
	}
	b.fill("#au-description", "Joiners of the staff OU")
	// A user of the scope picked from the directory: Add user draws a
	// row with its own picker, the description typed is kept, and the
	// saved scope shows the person by name.
	b.submit("add a scope user row", "#add-scope-user")
	if v := b.values("#au-description", "#au-user-0"); v != "Joiners of the staff OU|" {
		t.Fatalf("after Add user the form holds %q", v)
	}
	b.step("find nora for the scope",
		chromedp.SendKeys(chromedp.CSS("#au-user-0-find"), "nora"),
		chromedp.WaitReady(chromedp.CSS(`#au-user-0-find[data-picker-found]:not([data-picker-found="0"])`)))
	if picked := eval[string](b, `(function () {
		var box = document.getElementById("au-user-0-find");
		box.value = document.querySelector("#au-user-0-found option").value;
		box.dispatchEvent(new Event("input", {bubbles: true}));
		box.blur();
		return document.getElementById("au-user-0").value; })()`); picked != nora {
		t.Fatalf("the picker put %q in the scope's user, want %q", picked, nora)
	}
	b.submit("edit the automation", "#save-automation")
	b.flashOK("edit the automation")
	row := b.text(chromedp.CSS(`tr[data-automation="` + autoID + `"]`))
	if !strings.Contains(row, "Joiners of the staff OU") || !strings.Contains(strings.ToLower(row), "only nora") {
		t.Fatalf("the edited automation is listed as %q", row)
	}
	b.open("/automations?edit=" + autoID)
	if id := b.values("#au-user-0"); len(id) != 36 || strings.Count(id, "-") != 4 {
		t.Fatalf("the scope's user is kept as %q, want the user's id", id)
	}
	b.shot("17b-automation-scope-user")

	// Apply now: a user nobody is refused in words and what was typed
	// comes back; then omar, by mail as the webhook test takes him.
	apply := `form[data-apply="` + autoID + `"]`
	b.step("fill apply now for nobody", chromedp.Click(chromedp.CSS(`tr[data-automation="`+autoID+`"] details.apply > summary`)),
		chromedp.SetValue(chromedp.CSS(apply+` textarea[name="users"]`), "nobody.here"))
	b.submit("apply onboarding now for nobody", chromedp.CSS(apply+` button`))
	b.flashBad("apply onboarding now for nobody")
	b.noMachineWords("apply onboarding now for nobody")
	if v := eval[string](b, `document.querySelector('`+apply+` textarea[name="users"]').value`); v != "nobody.here" {
		t.Fatalf("after a refused apply-now the users field holds %q", v)
	}
	b.shot("17a-apply-now-refused")
	applyNow := func(who string) string {
		t.Helper()
		b.open("/automations")
		b.step("fill apply now", chromedp.Click(chromedp.CSS(`tr[data-automation="`+autoID+`"] details.apply > summary`)),
			chromedp.SetValue(chromedp.CSS(apply+` textarea[name="users"]`), h.People.Mail[who]))
		b.submit("apply onboarding now for "+who, chromedp.CSS(apply+` button`))
		b.flashOK("apply onboarding now for " + who)
		run := eval[string](b, `location.pathname`)
		deadline := time.Now().Add(60 * time.Second)
		for {
			b.open(run)
			if st := b.text("#run-state"); st == "succeeded" {
				break
			} else if time.Now().After(deadline) {
				b.shot("failed-automation-run")
				t.Fatalf("the run for %s is %q, not succeeded", who, st)
			}
			time.Sleep(300 * time.Millisecond)
		}
		return strings.TrimPrefix(run, "/runs/")
	}
	// The run shows per object and per step what was sent and received.
	runID := applyNow("omar")
	b.step("open the step", chromedp.Click(chromedp.CSS(`details.step[data-step="add"] > summary`)))
	if req := b.text(`details.step[data-step="add"] .request`); !strings.Contains(req, h.People.Mail["omar"]) {
		t.Fatalf("the run's step does not show its request: %.500s", req)
	}
	if resp := b.text(`details.step[data-step="add"] .response`); !strings.Contains(resp, "Sandbox Workspace") {
		t.Fatalf("the run's step does not show its response: %.500s", resp)
	}
	if strings.Contains(b.html(), sandbox.DefaultAdminKey) {
		t.Fatal("the run shows the API key")
	}
	// Nothing failed, so nothing is offered for a retry.
	if eval[bool](b, `!!document.getElementById("retry-run")`) {
		t.Fatal("a run without failures offers to retry failed steps")
	}
	b.shot("14-run")
	b.open("/runs")
	if !strings.Contains(b.text("#runs"), runID) {
		t.Fatal("the runs list does not show the run")
	}
	b.shot("15-runs")
	if !inClockify(h, h.People.Mail["omar"]) {
		t.Fatal("the onboarding run did not add omar to Clockify")
	}
	applyNow("paul")
	if steps := eval[int](b, `document.querySelectorAll("details.step").length`); steps < 1 {
		t.Fatal("the onboarding run recorded no step")
	}
	b.shot("18-automation-run")
	if !inClockify(h, h.People.Mail["paul"]) {
		t.Fatal("applying onboarding did not add paul to Clockify")
	}

	// The overview: the integration works, the applied sync's stale
	// accounts, the watcher running, each with a link.
	b.open("/")
	if st := b.text(`#overview-integrations tr[data-integration="clockify"]`); !strings.Contains(st, "working") {
		t.Fatalf("the overview shows the integration as %q", st)
	}
	if st := b.text(`#overview-stale tr[data-datasource="clockify-people"]`); !strings.Contains(st, "succeeded") {
		t.Fatalf("the overview shows the last sync as %q", st)
	}
	if st := b.text("#watcher-state"); !strings.HasPrefix(st, "Watching") {
		t.Fatalf("the overview shows the watcher as %q", st)
	}
	b.shot("00-overview")

	// The other sections, as far as this host serves them.
	for i, p := range []string{"/audit", "/runs", "/inbound", "/outbound"} {
		if st := b.open(p); st != 200 {
			t.Fatalf("%s answered %d", p, st)
		}
		b.shot(fmt.Sprintf("%02d-%s", 20+i, strings.Trim(strings.ReplaceAll(p, "/", "-"), "-")))
	}
	// API tokens: a refused create keeps what was chosen; a token's secret
	// is shown once, and gone on refresh; revoking it removes it.
	b.open("/tokens")
	b.fill("#token-name", "   ")
	b.step("choose the auditor role", chromedp.SetValue(chromedp.CSS("#token-role"), "auditor"))
	eval[bool](b, `document.getElementById("token-name").removeAttribute("required") || true`)
	b.submit("create a token without a name", "#create-token")
	b.flashBad("create a token without a name")
	if role, msg := eval[string](b, `document.getElementById("token-role").value`), b.text("#error-token-name"); role != "auditor" || msg == "" {
		t.Fatalf("after a refused token: role %q, error %q", role, msg)
	}
	b.fill("#token-name", "quarterly review")
	b.submit("create a token", "#create-token")
	b.flashOK("create a token")
	if secret := eval[string](b, `document.getElementById("created-secret").value`); len(secret) < 20 {
		t.Fatalf("the new token's secret is %q", secret)
	}
	b.shot("28-tokens-created")
	b.step("refresh after creating a token", chromedp.Reload())
	if eval[bool](b, `!!document.getElementById("created-secret")`) {
		t.Fatal("the token's secret is shown again after a refresh")
	}
	tokenID := eval[string](b, `(function () { var rows = document.querySelectorAll("tr[data-token]");
		for (var i = 0; i < rows.length; i++) { if (rows[i].textContent.indexOf("quarterly review") >= 0) return rows[i].getAttribute("data-token"); }
		return ""; })()`)
	if tokenID == "" {
		t.Fatal("the new token is not listed")
	}
	eval[bool](b, `document.querySelector('tr[data-token="`+tokenID+`"] form').removeAttribute("data-confirm") || true`)
	b.submit("revoke the token", chromedp.CSS(`tr[data-token="`+tokenID+`"] button`))
	b.flashOK("revoke the token")
	if eval[bool](b, `!!document.querySelector('tr[data-token="`+tokenID+`"]')`) {
		t.Fatal("the revoked token is still listed")
	}

	b.open("/audit")
	if !strings.Contains(b.text("#audit"), "POST /v1/extensions/archive") {
		t.Fatal("the audit log does not show the upload")
	}

	// Marketplace: a catalog offering a newer release; upgrade keeps the
	// integration's configuration and its connection.
	catalogURL := h.startMarketplace(t)
	b.open("/extensions")
	b.step("fill the catalog", chromedp.Click(chromedp.CSS(`#catalogs details > summary`)),
		chromedp.SetValue(chromedp.CSS(`#catalog-form input[name="name"]`), "dev"),
		chromedp.SetValue(chromedp.CSS(`#catalog-form input[name="location"]`), catalogURL))
	b.submit("add the catalog", `#catalog-form button`)
	b.flashOK("add the catalog")
	if row := b.text(`tr[data-available="clockify"]`); !strings.Contains(row, "0.2.0") || !strings.Contains(row, "0.1.0") {
		t.Fatalf("the catalog offers %q", row)
	}
	b.shot("19-marketplace-catalog")
	b.submit("upgrade", `tr[data-extension="clockify"] form[action$="/upgrade"] button`)
	b.flashOK("upgrade the extension")
	if v := b.text(`tr[data-extension="clockify"] td:nth-child(2)`); v != "0.2.0" {
		t.Fatalf("installed version after the upgrade: %q", v)
	}
	b.shot("19b-marketplace-upgraded")
	b.open("/integrations/clockify")
	if st := b.text("#state"); st != "enabled" {
		t.Fatalf("the integration is %q after the upgrade", st)
	}
	b.submit("test after the upgrade", "#test")
	b.flashOK("test the connection after the upgrade")

	// A change without the CSRF token is refused and does nothing.
	status := eval[int](b, `fetch("/integrations/clockify/toggle", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "enabled=false"}).then(r => r.status)`)
	if status != 403 {
		t.Fatalf("a change without the CSRF token answered %d, want 403", status)
	}
	b.signOut()

	// The operator runs things but configures nothing.
	operator := h.createToken(t, "olga", "operator")
	b.signIn(operator)
	for _, c := range []struct{ page, present, absent string }{
		{"/integrations/clockify", "#test", "#toggle, #settings-form, #auth-form"},
		{"/integrations/clockify/inbound", `button[data-test="list-users"]`, `button[data-test-save], #custom-form`},
		{"/sync", `button[data-plan="clockify-people"]`, "#datasource-form"},
		{"/automations", "form[data-apply]", "#automation-form, button[data-toggle]"},
		{"/runs/" + runID, "#run-state", `form[action$="/approve"], #retry-run`},
		{"/extensions", "#installed", "#upload, form[action$=\"/uninstall\"]"},
	} {
		b.open(c.page)
		if !eval[bool](b, `!!document.querySelector('`+c.present+`') && !document.querySelector('`+c.absent+`')`) {
			b.shot("failed-operator")
			t.Fatalf("operator page %s: want %s and none of %s", c.page, c.present, c.absent)
		}
	}
	b.shot("29-operator-runs")
	b.signOut()

	// The auditor: every page without edit controls, and a forged change
	// with a valid CSRF token refused by the API's roles.
	auditor := h.createToken(t, "ian", "auditor")
	b.signIn(auditor)
	for i, p := range []string{"/", "/extensions", "/integrations", "/integrations/clockify", "/integrations/clockify/inbound", "/integrations/clockify/outbound", "/sync", "/templates", "/templates?id=onboard", "/automations", "/runs", "/runs/" + runID, "/audit"} {
		if st := b.open(p); st != 200 {
			t.Fatalf("auditor %s answered %d", p, st)
		}
		n := eval[int](b, `document.querySelectorAll('main form[method="post"], main input[type="file"], main textarea, main form:not([method="get"]) button').length`)
		if n != 0 {
			b.shot("failed-auditor-controls")
			t.Fatalf("auditor page %s has %d edit controls", p, n)
		}
		b.shot(fmt.Sprintf("%02d-auditor-%s", 30+i, strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(strings.Trim(p, "/"))))
	}
	status = eval[int](b, `fetch("/integrations/clockify/toggle", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "enabled=false&csrf_token=" + encodeURIComponent(document.querySelector('input[name="csrf_token"]').value)}).then(r => r.status)`)
	if status != 403 {
		t.Fatalf("the auditor's change answered %d, want 403", status)
	}
	b.open("/integrations/clockify")
	if st := b.text("#state"); st != "enabled" {
		t.Fatalf("the auditor's refused change disabled the integration: %s", st)
	}
}

// inClockify reports whether the sandbox workspace has a member with mail.
func inClockify(h *testHost, mail string) bool {
	for _, u := range h.Sandbox.Users(sandbox.DefaultWorkspaceID) {
		if strings.EqualFold(u.Email, mail) {
			return true
		}
	}
	return false
}
