package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

func TestFlagsRefuseNonLoopback(t *testing.T) {
	_, err := parseFlags([]string{"--listen", "0.0.0.0:8471"}, io.Discard)
	if !errors.Is(err, errNotLoopback) {
		t.Fatalf("err = %v, want errNotLoopback", err)
	}
	if _, err := parseFlags([]string{"--rate", "0"}, io.Discard); err == nil {
		t.Fatal("--rate 0 accepted")
	}
	if _, err := parseFlags([]string{"--generate-users", "10", "--seed", "x.json"}, io.Discard); err == nil {
		t.Fatal("--generate-users with --seed accepted")
	}
	if _, err := parseFlags([]string{"--demo", "--seed", "x.json"}, io.Discard); err == nil {
		t.Fatal("--demo with --seed accepted")
	}
	c, err := parseFlags(nil, io.Discard)
	if err != nil || c.listen != "127.0.0.1:8471" || c.rate != 50 {
		t.Fatalf("defaults = %+v, %v", c, err)
	}
}

func TestSetAdminKeyReplacesOwnerKey(t *testing.T) {
	seed := sandbox.DefaultSeed()
	if err := setAdminKey(seed, "my-key"); err != nil {
		t.Fatal(err)
	}
	var owner, member bool
	for _, k := range seed.APIKeys {
		if k.Key == sandbox.DefaultAdminKey {
			t.Fatal("old admin key still accepted")
		}
		owner = owner || (k.Key == "my-key" && k.UserID == sandbox.DefaultAdminUserID)
		member = member || k.Key == sandbox.DefaultMemberKey
	}
	if !owner || !member {
		t.Fatalf("keys = %+v", seed.APIKeys)
	}
}

// freeAddr finds a free loopback port for the binary's --listen.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// syncBuffer is a bytes.Buffer safe to read while run writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRunServesSeedWithKey starts the command with a seed file and a key,
// calls it, and stops it through its context as a signal would.
func TestRunServesSeedWithKey(t *testing.T) {
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "seed.json")
	raw := `{"workspaces":[{"id":"aaaaaaaaaaaaaaaaaaaaaaaa","name":"Demo","users":[{"id":"bbbbbbbbbbbbbbbbbbbbbbbb","email":"o@example.com","name":"O","roles":[{"role":"OWNER","entityId":"aaaaaaaaaaaaaaaaaaaaaaaa"}]}],"groups":[]}],"apiKeys":[]}`
	if err := os.WriteFile(seedFile, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", addr, "--seed", seedFile, "--api-key", "k1"}, out, io.Discard)
	}()

	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl+C") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner; output so far: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{"http://" + addr + "/api", "aaaaaaaaaaaaaaaaaaaaaaaa", "k1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/workspaces/aaaaaaaaaaaaaaaaaaaaaaaa/users", nil)
	req.Header.Set("X-Api-Key", "k1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("status = %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
}
