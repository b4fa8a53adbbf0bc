// Package apptest runs a whole host in a test: the application as
// `idbridge serve` wires it, on a loopback port, stopped when the test
// ends. Tests of the API, the CLI and the connector examples drive it the
// way an admin does.
package apptest

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app"
)

// readyWithin bounds the wait for a fresh host's /readyz: a safety net
// for a host that never comes up, generous for a machine whose cores are
// busy.
const readyWithin = 30 * time.Second

// Host is an application serving on a loopback port for one test.
type Host struct {
	*app.App
	// Base is the API's URL, e.g. "http://127.0.0.1:43121".
	Base string
	// Admin is the admin token the host wrote to its data folder at its
	// first start.
	Admin string

	stop func()
}

// Start builds the application from opts (DataDir defaults to a fresh
// temporary folder), serves it on a loopback port and returns once its
// /readyz answers 200. The test's cleanup stops it.
func Start(t testing.TB, opts app.Options) *Host {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(cancel) // also when Serve fails the test before h.stop is set
	base, done := Serve(t, ctx, a)
	var once sync.Once
	h := &Host{App: a, Base: base, stop: func() { once.Do(func() { cancel(); <-done }) }}
	t.Cleanup(h.stop)
	raw, err := os.ReadFile(filepath.Join(opts.DataDir, api.AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	h.Admin = strings.TrimSpace(string(raw))
	return h
}

// Stop ends the host and waits until it has: its store is closed and its
// plugins are stopped. Calling it again does nothing.
func (h *Host) Stop() { h.stop() }

// Serve serves a on a loopback port until ctx ends and returns once its
// /readyz answers 200. done yields what Serve returned, for a test that
// ends the host itself and checks how it stopped.
func Serve(t testing.TB, ctx context.Context, a *app.App) (base string, done <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan error, 1)
	go func() { ch <- a.Serve(ctx, ln) }()
	base = "http://" + ln.Addr().String()
	WaitReady(t, nil, base)
	return base, ch
}

// WaitReady polls base's /readyz with c (http.DefaultClient when nil)
// until it answers 200, failing the test if it never does.
func WaitReady(t testing.TB, c *http.Client, base string) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	deadline := time.Now().Add(readyWithin)
	for {
		resp, err := c.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the host at %s never became ready", base)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Send makes one call to the API at base and returns its status and body:
// body is sent as it is, and an empty token sends no Authorization
// header, for the answers a test expects to be refused.
func Send(t testing.TB, base, method, path, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}
