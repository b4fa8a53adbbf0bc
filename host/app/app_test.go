//go:build linux

package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/datalock"
	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// events records the order in which services start and stop.
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, s)
}

func (e *events) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.log, ",")
}

// service is a domain service with routes and a life cycle.
type service struct {
	name string
	ev   *events
}

func (s *service) Routes() []api.Route {
	return []api.Route{{Method: "GET", Pattern: "/v1/" + s.name, MinRole: api.RoleAuditor, Summary: "test",
		Handler: func(*api.Call) (any, error) { return map[string]string{"service": s.name}, nil }}}
}
func (s *service) Start(context.Context) error { s.ev.add("start " + s.name); return nil }
func (s *service) Stop(context.Context) error  { s.ev.add("stop " + s.name); return nil }

func TestRunServesAndShutsDownInOrder(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Options{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	if err := a.Add(&service{"one", ev}, &service{"two", ev}); err != nil {
		t.Fatal(err)
	}

	base, done := apptest.Serve(t, ctx, a)

	raw, err := os.ReadFile(filepath.Join(dir, "data", api.AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(raw))
	var got map[string]string
	if status := getJSON(t, base+"/v1/two", token, &got); status != 200 || got["service"] != "two" {
		t.Fatalf("service route: %d %v", status, got)
	}
	var plugins []pluginhost.Status
	if status := getJSON(t, base+"/v1/plugins", token, &plugins); status != 200 {
		t.Fatalf("/v1/plugins: %d", status)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if ev.String() != "start one,start two,stop two,stop one" {
		t.Fatalf("life cycle order %q", ev.String())
	}
}

func TestShutdownStopsPlugins(t *testing.T) {
	bin := buildConnector(t)
	sum, err := pluginhost.FileSHA256(bin)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.Plugins.Add("test", pluginhost.Plugin{Name: "test", Path: bin, SHA256: sum})
	if err != nil {
		t.Fatal(err)
	}
	_, done := apptest.Serve(t, ctx, a)
	if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{}); err != nil {
		t.Fatal(err)
	}
	pid := h.Status().PID
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Fatalf("plugin pid %d still running after the host stopped", pid)
	}
	if _, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{}); !errors.Is(err, pluginhost.ErrRemoved) {
		t.Fatalf("call after shutdown: %v", err)
	}
}

func TestAdminChangesAreAuditedToTheLog(t *testing.T) {
	var buf testlog.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	a, err := app.New(ctx, app.Options{DataDir: dir, Logger: app.NewLogger(&buf, true, "info")})
	if err != nil {
		t.Fatal(err)
	}
	base, done := apptest.Serve(t, ctx, a)
	raw, _ := os.ReadFile(filepath.Join(dir, api.AdminTokenFile))
	req, _ := http.NewRequest("POST", base+"/v1/tokens", strings.NewReader(`{"name":"ci","role":"operator"}`))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(raw)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create token: %d", resp.StatusCode)
	}
	cancel()
	<-done
	var found bool
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, `"@module":"idbridge.audit"`) {
			found = strings.Contains(line, `"route":"/v1/tokens"`) && strings.Contains(line, `"actor":"admin (bootstrap)"`)
			var created struct{ Token string }
			json.Unmarshal(secret, &created)
			if created.Token == "" || strings.Contains(line, created.Token) {
				t.Fatalf("audit line holds the new token's secret: %s", line)
			}
		}
	}
	if !found {
		t.Fatalf("no audit line for the token creation in:\n%s", buf.String())
	}
}

func TestNewNeedsDataDir(t *testing.T) {
	_, err := app.New(context.Background(), app.Options{})
	if err == nil || !strings.Contains(err.Error(), "--data") {
		t.Fatalf("err = %v", err)
	}
}

func TestOneHostPerDataFolder(t *testing.T) {
	dir := t.TempDir()
	first, err := app.New(context.Background(), app.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.New(context.Background(), app.Options{DataDir: dir}); !errors.Is(err, datalock.ErrInUse) {
		first.Close()
		t.Fatalf("a second host on the folder: %v, want datalock.ErrInUse", err)
	}
	first.Close()
	second, err := app.New(context.Background(), app.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("a host after the first closed: %v", err)
	}
	second.Close()
}

func TestRunReportsBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a, err := app.New(context.Background(), app.Options{DataDir: t.TempDir(), Listen: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("err = %v, want advice to choose another address", err)
	}
}

func TestDuplicateRoutesAreRefused(t *testing.T) {
	a, err := app.New(context.Background(), app.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	if err := a.Add(&service{"x", ev}); err != nil {
		t.Fatal(err)
	}
	if err := a.Add(&service{"x", ev}); err == nil {
		t.Fatal("a second service with the same route was mounted")
	}
}

func getJSON(t *testing.T, url, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func buildConnector(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "testconn")
	cmd := exec.Command("go", "build", "-o", out, "../pluginhost/testdata/connector")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build test connector: %v\n%s", err, b)
	}
	return out
}

// alive reports whether pid runs and is not a zombie.
func alive(pid int) bool {
	raw, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestRelativeDataFolderBecomesAbsolute: connectors start in their own
// folder, so a relative --data would make every installed binary's path
// unreachable from there.
func TestRelativeDataFolderBecomesAbsolute(t *testing.T) {
	t.Chdir(t.TempDir())
	a, err := app.New(context.Background(), app.Options{DataDir: "data"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !filepath.IsAbs(a.DataDir) || filepath.Base(a.DataDir) != "data" {
		t.Fatalf("DataDir = %q; want an absolute path ending in data", a.DataDir)
	}
	if _, err := os.Stat(filepath.Join(a.DataDir, "admin.token")); err != nil {
		t.Fatalf("the admin token is not in the resolved folder: %v", err)
	}
}

// TestSecureCookiesBehindAProxy: --secure-cookies reaches the console, so
// a host behind a TLS proxy never sends its cookies in clear.
func TestSecureCookiesBehindAProxy(t *testing.T) {
	for _, secure := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), SecureCookies: secure})
		if err != nil {
			t.Fatal(err)
		}
		base, done := apptest.Serve(t, ctx, a)
		resp, err := http.Get(base + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cookies := resp.Cookies()
		if len(cookies) == 0 {
			t.Fatal("the sign-in page set no cookie")
		}
		for _, c := range cookies {
			if c.Secure != secure {
				t.Errorf("SecureCookies=%v: cookie %s has Secure=%v", secure, c.Name, c.Secure)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
