package cli

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/host/internal/testtls"
)

// testCert writes a self-signed certificate for 127.0.0.1 and its key
// (mode 0600) into dir and returns their paths.
func testCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	f := testtls.SelfSigned(t, dir, "host")
	return f.Cert, f.Key
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestServeHTTPSAndTheCLIWithAPrivateCA runs `idbridge serve --tls-cert
// --tls-key` and talks to it with the CLI: trusted through
// IDBRIDGE_CA_FILE it works; without it, or over http://, the CLI refuses
// and says what to set.
func TestServeHTTPSAndTheCLIWithAPrivateCA(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := testCert(t, dir)
	data := filepath.Join(dir, "data")
	addr := freeAddr(t)

	ctx, cancel := context.WithCancel(context.Background())
	var serveErr testlog.Buffer
	done := make(chan int, 1)
	go func() {
		g := &Globals{Out: &testlog.Buffer{}, Err: &serveErr, Env: func(string) string { return "" }}
		done <- Execute(ctx, []string{"serve", "--data", data, "--listen", addr, "--tls-cert", certFile, "--tls-key", keyFile}, g)
	}()
	defer func() {
		cancel()
		if code := <-done; code != ExitOK {
			t.Errorf("serve exited %d:\n%s", code, serveErr.String())
		}
	}()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(serveErr.String(), "idbridge host ready") {
		if time.Now().After(deadline) {
			t.Fatalf("serve never became ready:\n%s", serveErr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(serveErr.String(), "https://"+addr) {
		t.Fatalf("serve does not announce its https address:\n%s", serveErr.String())
	}
	if strings.Contains(serveErr.String(), "in clear") {
		t.Fatalf("serve warned of plain HTTP while serving HTTPS:\n%s", serveErr.String())
	}
	raw, err := os.ReadFile(filepath.Join(data, api.AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	admin := strings.TrimSpace(string(raw))

	code, out, errs := run(t, map[string]string{"IDBRIDGE_ADDR": "https://" + addr, "IDBRIDGE_TOKEN": admin, CAFileEnv: certFile}, "token", "list")
	if code != ExitOK || !strings.Contains(out, "admin") {
		t.Fatalf("token list over HTTPS with %s: exit %d, %q %q", CAFileEnv, code, out, errs)
	}

	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("nothing here"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		env  map[string]string
		code int
		want string
	}{
		{"system roots do not trust a private CA", map[string]string{"IDBRIDGE_ADDR": "https://" + addr}, ExitUnavailable, CAFileEnv},
		{"certificate without the name used", map[string]string{"IDBRIDGE_ADDR": "https://localhost:" + portOf(addr), CAFileEnv: certFile}, ExitUnavailable, "host name or IP the certificate lists"},
		{"plain http to an HTTPS host", map[string]string{"IDBRIDGE_ADDR": "http://" + addr}, ExitUsage, "https://"},
		{"CA file missing", map[string]string{"IDBRIDGE_ADDR": "https://" + addr, CAFileEnv: filepath.Join(dir, "nope.pem")}, ExitUsage, "read " + CAFileEnv},
		{"CA file without certificates", map[string]string{"IDBRIDGE_ADDR": "https://" + addr, CAFileEnv: garbage}, ExitUsage, "holds no PEM certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["IDBRIDGE_TOKEN"] = admin
			code, _, errs := run(t, tc.env, "token", "list")
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, tc.code, tc.want)
			}
		})
	}
}

func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

// TestHTTPSAddressToAPlainHost: an https:// address for a host serving
// plain HTTP is explained, not reported as a bare handshake failure.
func TestHTTPSAddressToAPlainHost(t *testing.T) {
	addr, admin := host(t)
	code, _, errs := run(t, map[string]string{"IDBRIDGE_ADDR": strings.Replace(addr, "http://", "https://", 1), "IDBRIDGE_TOKEN": admin}, "token", "list")
	if code != ExitUnavailable || !strings.Contains(errs, "plain HTTP") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

func TestServeRefusesBadTLSFilesWithUsageCode(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := testCert(t, dir)
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("nothing here"), 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "missing.crt")
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"certificate without key", []string{"--tls-cert", certFile}, nil, []string{"--tls-key"}},
		{"key without certificate", []string{"--tls-key", keyFile}, nil, []string{"--tls-cert"}},
		{"key from env without certificate", nil, map[string]string{"IDBRIDGE_TLS_KEY": keyFile}, []string{"IDBRIDGE_TLS_CERT"}},
		{"unreadable certificate", []string{"--tls-cert", unreadable, "--tls-key", keyFile}, nil, []string{unreadable}},
		{"garbage certificate", []string{"--tls-cert", garbage, "--tls-key", keyFile}, nil, []string{garbage, "BEGIN CERTIFICATE"}},
		{"garbage key", []string{"--tls-cert", certFile, "--tls-key", garbage}, nil, []string{garbage, "PRIVATE KEY"}},
	}
	if runtime.GOOS != "windows" {
		exposed := filepath.Join(dir, "exposed.key")
		raw, err := os.ReadFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(exposed, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(exposed, 0o644); err != nil { // past the umask
			t.Fatal(err)
		}
		cases = append(cases, struct {
			name string
			args []string
			env  map[string]string
			want []string
		}{"key readable by others", []string{"--tls-cert", certFile, "--tls-key", exposed}, nil, []string{exposed, "chmod 600"}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--data", filepath.Join(dir, "data")}, tc.args...)
			code, _, errs := run(t, tc.env, args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d (usage): %s", code, ExitUsage, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not say %q", errs, w)
				}
			}
		})
	}
}

func TestServeTLSFromEnvironment(t *testing.T) {
	certFile, keyFile := testCert(t, t.TempDir())
	env := map[string]string{"IDBRIDGE_TLS_CERT": certFile, "IDBRIDGE_TLS_KEY": keyFile}
	g := &Globals{Env: func(k string) string { return env[k] }}
	f := serveFlags{}
	opts, err := f.options(g)
	if err != nil || opts.TLS == nil || len(opts.TLS.Certificates) != 1 {
		t.Fatalf("TLS from the environment: %+v %v", opts.TLS, err)
	}
	// No TLS files: plain HTTP, as before.
	g = &Globals{Env: func(string) string { return "" }}
	if opts, err = (&serveFlags{}).options(g); err != nil || opts.TLS != nil {
		t.Fatalf("without TLS files: %+v %v", opts.TLS, err)
	}
}
