package console_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/demodir"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/extbuild"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// testHost is a real `idbridge serve`, built by the test from this
// repository, on a fresh data folder, pointed at an LDAP directory the test
// also reads, with the Clockify sandbox standing in for Clockify. Nothing
// is configured: the browser does it all.
type testHost struct {
	URL     string
	DataDir string
	Admin   string // the first admin token, from DATA/admin.token
	Ext     *extbuild.Result
	Sandbox *sandbox.Server
	DirConn *directory.Client
	// People are the directory users the test works with, by role in the
	// story: "barbara" (in Clockify, gets synced), "nora", "omar" and
	// "paul" (not in Clockify, get onboarded).
	People people
	log    *testlog.Buffer
}

// people names the test's users in whichever directory runs.
type people struct {
	// Base is the directory's base DN; ScopeOU holds every test user.
	Base, ScopeOU string
	DN, Mail      map[string]string
}

// directoryFlags are the serve flags that point the host at the directory.
type directoryFlags []string

// useDirectory connects to Samba AD when the test setup started one (CI
// always does), else to the demo directory started here, and seeds or
// names the test's users.
func (h *testHost) useDirectory(t *testing.T, ctx context.Context, work string) directoryFlags {
	t.Helper()
	pwFile := filepath.Join(work, "directory.password")
	if os.Getenv(dirtest.EnvADURL) != "" {
		cfg := dirtest.AD(t)
		t.Logf("directory: Samba AD at %s", cfg.URL)
		h.DirConn = dirtest.Connect(t, cfg)
		ou := dirtest.NewOU(t, h.DirConn)
		h.People = people{Base: cfg.BaseDN, ScopeOU: ou, DN: map[string]string{}, Mail: map[string]string{}}
		for _, key := range []string{"barbara", "nora", "omar", "paul"} {
			name := dirtest.UniqueName(key)
			u := dirtest.AddUser(t, h.DirConn, ou, dirtest.User{Name: name, Attributes: map[string][]string{"department": {"Engineering"}}})
			h.People.DN[key], h.People.Mail[key] = u.DN, name+"@example.test"
		}
		if err := os.WriteFile(pwFile, []byte(cfg.Password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return directoryFlags{"--directory-url", cfg.URL, "--directory-bind", cfg.BindDN, "--directory-password-file", pwFile,
			"--directory-base", cfg.BaseDN, "--directory-ca", os.Getenv(dirtest.EnvADCA)}
	}
	t.Log("directory: the demo directory (no Samba AD in this test setup)")
	srv, err := demodir.Start(ctx, demodir.Options{Seed: demodir.DemoSeed()})
	if err != nil {
		t.Fatalf("start the directory: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	h.DirConn, err = directory.Open(ctx, directory.Config{URL: srv.URL(), PlainText: true, BindDN: srv.BindDN(),
		Password: srv.Password(), BaseDN: srv.BaseDN()})
	if err != nil {
		t.Fatalf("connect to the directory: %v", err)
	}
	t.Cleanup(func() { h.DirConn.Close() })
	base := srv.BaseDN()
	h.People = people{Base: base, ScopeOU: "OU=Staff," + base,
		DN: map[string]string{
			"barbara": "CN=Barbara Dev,OU=Engineering,OU=Staff," + base, "nora": "CN=Nora Quinn,OU=Engineering,OU=Staff," + base,
			"omar": "CN=Omar Haddad,OU=Engineering,OU=Staff," + base, "paul": "CN=Paul Meyer,OU=Finance,OU=Staff," + base,
		},
		Mail: map[string]string{"barbara": "barbara.dev@example.com", "nora": "nora.quinn@example.com",
			"omar": "omar.haddad@example.com", "paul": "paul.meyer@example.com"},
	}
	if err := os.WriteFile(pwFile, []byte(srv.Password()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return directoryFlags{"--directory-url", srv.URL(), "--directory-plaintext", "--directory-bind", srv.BindDN(),
		"--directory-password-file", pwFile, "--directory-base", base}
}

// sandboxSeed is the default Clockify workspace with the synced user in it.
func (h *testHost) sandboxSeed() *sandbox.Seed {
	seed := sandbox.DefaultSeed()
	ws := &seed.Workspaces[0]
	for _, u := range ws.Users {
		if strings.EqualFold(u.Email, h.People.Mail["barbara"]) {
			return seed
		}
	}
	ws.Users = append(ws.Users, sandbox.User{ID: "6650a1b2c3d4e5f6a7b8cf01", Email: h.People.Mail["barbara"], Name: "Barbara Test"})
	return seed
}

// moduleRoot is the repository root.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// buildExtension builds and signs the Clockify .ext for this platform, as
// `make ext` does.
func buildExtension(t *testing.T, work string) *extbuild.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := extbuild.Build(ctx, extbuild.Options{ModuleRoot: moduleRoot(t), Version: "0.1.0", OutDir: filepath.Join(work, "dist"),
		KeyPath: filepath.Join(work, "keys", "dev.key"), Platforms: []string{ext.HostPlatform()}})
	if err != nil {
		t.Fatalf("build the Clockify extension: %v", err)
	}
	return res
}

// buildHost builds the idbridge binary as `make build` does.
func buildHost(t *testing.T, work string) string {
	t.Helper()
	root := moduleRoot(t)
	version, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(work, "idbridge")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags",
		"-X github.com/idbridge/idbridge/host/version.Version="+strings.TrimSpace(string(version)), "-o", bin, "./host/cmd/idbridge")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build idbridge: %v\n%s", err, out)
	}
	return bin
}

var readyLine = regexp.MustCompile(`idbridge host ready.*api=(http://127\.0\.0\.1:\d+)`)

func startHost(t *testing.T) *testHost {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	work := t.TempDir()
	h := &testHost{DataDir: filepath.Join(work, "data"), log: &testlog.Buffer{}}
	h.Ext = buildExtension(t, work)
	bin := buildHost(t, work)

	dirFlags := h.useDirectory(t, ctx, work)
	var err error
	h.Sandbox, err = sandbox.Start(ctx, sandbox.Options{Rate: -1, Seed: h.sandboxSeed()})
	if err != nil {
		t.Fatalf("start the Clockify sandbox: %v", err)
	}
	t.Cleanup(func() { _ = h.Sandbox.Close() })

	args := append([]string{"serve", "--data", h.DataDir, "--listen", "127.0.0.1:0", "--log-level", "debug", "--watch-interval", "1s"}, dirFlags...)
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = h.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start idbridge serve: %v", err)
	}
	exited := make(chan error, 1)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(h.log, line)
			if m := readyLine.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(h.log, stderr)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("idbridge serve did not stop cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("idbridge serve did not stop within 30s of SIGINT")
		}
		if t.Failed() {
			t.Logf("host log:\n%s", h.log.String())
		}
	})
	select {
	case h.URL = <-addr:
	case err := <-exited:
		t.Fatalf("idbridge serve exited: %v\n%s", err, h.log.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("idbridge serve did not become ready\n%s", h.log.String())
	}
	raw, err := os.ReadFile(filepath.Join(h.DataDir, "admin.token"))
	if err != nil {
		t.Fatalf("read the first admin token: %v", err)
	}
	h.Admin = strings.TrimSpace(string(raw))
	return h
}

// createToken makes a token for another role through the API, as an admin
// would with `idbridge token create`.
func (h *testHost) createToken(t *testing.T, name, role string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"name": name, "role": role})
	req, _ := http.NewRequest("POST", h.URL+"/v1/tokens", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+h.Admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated || out.Token == "" {
		t.Fatalf("create a %s token: %d %v", role, resp.StatusCode, err)
	}
	return out.Token
}

// startMarketplace publishes the built extension and a newer release of it
// in a catalog served on loopback, and returns the catalog's URL.
func (h *testHost) startMarketplace(t *testing.T) string {
	t.Helper()
	market := filepath.Dir(h.Ext.Path)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := extbuild.Build(ctx, extbuild.Options{ModuleRoot: moduleRoot(t), Version: "0.2.0", OutDir: market,
		KeyPath: h.Ext.KeyPath, Platforms: []string{ext.HostPlatform()}}); err != nil {
		t.Fatalf("build the newer release: %v", err)
	}
	if _, err := catalog.WriteFile(ctx, market); err != nil {
		t.Fatalf("index the marketplace: %v", err)
	}
	serveCtx, stop := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	served := make(chan error, 1)
	go func() { served <- catalog.Serve(serveCtx, market, "127.0.0.1:0", nil, func(a net.Addr) { addrc <- a }) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("marketplace server: %v", err)
		}
	})
	select {
	case a := <-addrc:
		return "http://" + a.String()
	case err := <-served:
		t.Fatalf("marketplace server: %v", err)
	}
	return ""
}
