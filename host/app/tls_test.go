package app_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/host/internal/testtls"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key
// (mode 0600) into dir and returns their paths and a pool trusting it.
func selfSigned(t *testing.T, dir, name string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	f := testtls.SelfSigned(t, dir, name)
	return f.Cert, f.Key, f.Pool
}

// selfSignedUntil is selfSigned with a certificate valid until notAfter.
func selfSignedUntil(t *testing.T, dir, name string, notAfter time.Time) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	f := testtls.SelfSignedUntil(t, dir, name, notAfter)
	return f.Cert, f.Key, f.Pool
}

// startHost serves a new host on ln until the test ends.
func startHost(t *testing.T, opts app.Options, ln net.Listener) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

// TestServesHTTPSAndRefusesPlainHTTP: with a certificate the API answers
// over TLS 1.2 or later only, and console cookies are Secure.
func TestServesHTTPSAndRefusesPlainHTTP(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir, "host")
	cfg, err := app.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs testlog.Buffer
	startHost(t, app.Options{DataDir: data, TLS: cfg, Logger: app.NewLogger(&logs, true, "info")}, ln)
	addr := ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	apptest.WaitReady(t, client, "https://"+addr)

	raw, err := os.ReadFile(filepath.Join(data, api.AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://"+addr+"/v1/tokens", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(raw)))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tokens any
	err = json.NewDecoder(resp.Body).Decode(&tokens)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("GET /v1/tokens over HTTPS: %d %v", resp.StatusCode, err)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("answer not over TLS 1.2+: %+v", resp.TLS)
	}
	if !strings.Contains(logs.String(), `"api":"https://`+addr+`"`) {
		t.Errorf("the ready line does not give the https address:\n%s", logs.String())
	}

	// HTTP/2 is negotiated as on any Go HTTPS server.
	h2 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}, Timeout: 10 * time.Second}
	resp, err = h2.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 {
		t.Fatalf("HTTP/2 client: %d over %s", resp.StatusCode, resp.Proto)
	}

	// Console cookies are Secure without --secure-cookies.
	resp, err = client.Get("https://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(resp.Cookies()) == 0 {
		t.Fatal("the sign-in page set no cookie")
	}
	for _, c := range resp.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure over HTTPS", c.Name)
		}
	}

	// Plain HTTP gets no API answer.
	resp, err = http.Get("http://" + addr + "/readyz")
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "HTTPS") {
			t.Fatalf("plain HTTP answered %d %q", resp.StatusCode, body)
		}
	}

	// Browsers are told to keep to HTTPS, on the API and the console.
	for _, path := range []string{"/healthz", "/login"} {
		resp, err := client.Get("https://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") || strings.HasPrefix(hsts, "max-age=0") {
			t.Errorf("%s over HTTPS: Strict-Transport-Security %q; want a max-age", path, hsts)
		}
	}

	// TLS 1.2 offers only forward-secret AEAD suites: a client that
	// speaks only CBC or RSA key exchange is refused.
	for _, suite := range []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256} {
		weak := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{suite}}}}
		if resp, err := weak.Get("https://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			t.Errorf("a TLS 1.2 client offering only %s was served", tls.CipherSuiteName(suite))
		}
	}
	modern := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12}}}
	if resp, err := modern.Get("https://" + addr + "/readyz"); err != nil {
		t.Errorf("a TLS 1.2 client with Go's default suites was refused: %v", err)
	} else {
		resp.Body.Close()
		if !slices.Contains(app.TLS12Suites, resp.TLS.CipherSuite) {
			t.Errorf("TLS 1.2 negotiated %s", tls.CipherSuiteName(resp.TLS.CipherSuite))
		}
	}

	// TLS 1.1 is refused.
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if resp, err := old.Get("https://" + addr + "/readyz"); err == nil {
		resp.Body.Close()
		t.Fatal("a TLS 1.1 client was served")
	}
}

func TestLoadTLSRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir, "host")
	_, otherKey, _ := selfSigned(t, dir, "other")
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a pem file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")

	cases := []struct {
		name       string
		cert, key  string
		is         error
		wantInText []string
	}{
		{"certificate without key", certFile, "", app.ErrTLSPairIncomplete, []string{"--tls-key"}},
		{"key without certificate", "", keyFile, app.ErrTLSPairIncomplete, []string{"--tls-cert"}},
		{"missing certificate", missing, keyFile, os.ErrNotExist, []string{missing, "--tls-cert"}},
		{"missing key", certFile, missing, os.ErrNotExist, []string{missing, "--tls-key"}},
		{"garbage certificate", garbage, keyFile, nil, []string{garbage, "no PEM certificate", "BEGIN CERTIFICATE"}},
		{"key given as certificate", keyFile, certFile, nil, []string{keyFile, "no PEM certificate", "swapped"}},
		{"garbage key", certFile, garbage, nil, []string{garbage, "PRIVATE KEY", certFile}},
		{"key of another certificate", certFile, otherKey, nil, []string{otherKey, "does not match", certFile}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := app.LoadTLS(tc.cert, tc.key)
			if err == nil {
				t.Fatalf("loaded: %+v", cfg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			for _, w := range tc.wantInText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestLoadTLSRefusesAKeyOthersCanRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not describe Windows ACLs; the check is skipped there")
	}
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir, "host")
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		if err := os.Chmod(keyFile, mode); err != nil {
			t.Fatal(err)
		}
		_, err := app.LoadTLS(certFile, keyFile)
		if !errors.Is(err, app.ErrTLSKeyExposed) || !strings.Contains(err.Error(), "chmod 600") || !strings.Contains(err.Error(), keyFile) {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	if err := os.Chmod(keyFile, 0o400); err != nil {
		t.Fatal(err)
	}
	cfg, err := app.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatalf("mode 0400 refused: %v", err)
	}
	if cfg.MinVersion != tls.VersionTLS12 || len(cfg.Certificates) != 1 {
		t.Fatalf("config %+v", cfg)
	}
}

// wideAddr reports a non-loopback address for a loopback listener, so the
// host's start-up decision can be observed without binding 0.0.0.0.
type wideAddr struct{ net.Listener }

func (wideAddr) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4zero, Port: 8470} }

func TestWarnsOfPlainHTTPBeyondLoopback(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir, "host")
	cfg, err := app.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		wide bool
		tls  *tls.Config
		warn bool
	}{
		{"plain on loopback", false, nil, false},
		{"plain beyond loopback", true, nil, true},
		{"TLS beyond loopback", true, cfg, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var logs testlog.Buffer
			var serveLn net.Listener = ln
			if tc.wide {
				serveLn = wideAddr{ln}
			}
			ctx, cancel := context.WithCancel(context.Background())
			a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), TLS: tc.tls, Logger: app.NewLogger(&logs, false, "info")})
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- a.Serve(ctx, serveLn) }()
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(logs.String(), "idbridge host ready") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			out := logs.String()
			if !strings.Contains(out, "idbridge host ready") {
				t.Fatalf("host never became ready:\n%s", out)
			}
			warned := strings.Contains(out, "in clear")
			if warned != tc.warn {
				t.Fatalf("warned=%v, want %v:\n%s", warned, tc.warn, out)
			}
			if warned && (!strings.Contains(out, "[WARN]") || !strings.Contains(out, "--tls-cert") || !strings.Contains(out, "tokens")) {
				t.Fatalf("the warning does not say what crosses in clear and how to fix it:\n%s", out)
			}
		})
	}
}

// TestWarnsOfAnExpiredCertificate: an expired certificate still loads, so
// the host can be reached to be repaired, but the start says why clients
// refuse it.
func TestWarnsOfAnExpiredCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSignedUntil(t, dir, "old", time.Now().Add(-time.Minute))
	cfg, err := app.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs testlog.Buffer
	startHost(t, app.Options{DataDir: t.TempDir(), TLS: cfg, Logger: app.NewLogger(&logs, false, "info")}, ln)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "idbridge host ready") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if out := logs.String(); !strings.Contains(out, "certificate has expired") || !strings.Contains(out, "restarted") {
		t.Fatalf("no expiry warning:\n%s", out)
	}
}
