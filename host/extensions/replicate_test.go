package extensions_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// sharedHost is one host of several on one store: its own data folder,
// the shared documents, and what its Changed callback heard.
type sharedHost struct {
	dir string
	m   *extensions.Manager

	mu      sync.Mutex
	changes []string // "id=version", or "id=uninstalled"
}

func newSharedHost(t *testing.T, docs store.Docs) *sharedHost {
	t.Helper()
	h := &sharedHost{dir: filepath.Join(t.TempDir(), "data")}
	m, err := extensions.New(context.Background(), extensions.Config{
		DataDir: h.dir, Docs: docs, HostVersion: "1.0.0",
		Changed: func(_ context.Context, id string, rec *extensions.Record) {
			h.mu.Lock()
			defer h.mu.Unlock()
			if rec == nil {
				h.changes = append(h.changes, id+"=uninstalled")
				return
			}
			h.changes = append(h.changes, id+"="+rec.Version)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.m = m
	return h
}

func (h *sharedHost) heard() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.changes, " ")
}

// twoHostsOnPostgres is hosts A and B on one PostgreSQL store; key is
// trusted through A, which B sees through the store.
func twoHostsOnPostgres(t *testing.T, key ed25519.PrivateKey) (docs store.Docs, a, b *sharedHost) {
	t.Helper()
	st := pgtest.Open(t, nil)
	a, b = newSharedHost(t, st), newSharedHost(t, st)
	pem, err := ext.MarshalPublicKey(key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.m.TrustKey(context.Background(), "test marketplace", pem); err != nil {
		t.Fatal(err)
	}
	return st, a, b
}

// runConnector starts what Launch names on h and returns its output, so
// the test proves B runs the very files A installed.
func runConnector(t *testing.T, h *sharedHost) string {
	t.Helper()
	l, err := h.m.Launch(context.Background(), "sample")
	if err != nil {
		t.Fatalf("launch on %s: %v", h.dir, err)
	}
	data, err := os.ReadFile(l.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := exttest.Sum(data); got != l.SHA256 {
		t.Fatalf("binary sha256 %s, pinned %s", got, l.SHA256)
	}
	out, err := exec.Command(l.Path).Output()
	if err != nil {
		t.Fatalf("run %s: %v", l.Path, err)
	}
	return strings.TrimSpace(string(out))
}

func TestExtensionsReachEveryHostOnTheSharedStore(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	_, a, b := twoHostsOnPostgres(t, key)

	if _, err := a.m.Install(ctx, extensions.Source{File: writeArchive(t, newParts(key, "1.0.0").bytes(t))}); err != nil {
		t.Fatal(err)
	}
	// B launches it before any sync: unpacked and verified on demand.
	if got := runConnector(t, b); got != "sample 1.0.0" {
		t.Fatalf("B runs %q", got)
	}
	if err := b.m.CheckIntegrity(ctx, "sample"); err != nil {
		t.Fatal(err)
	}

	if _, err := a.m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: writeArchive(t, newParts(key, "1.1.0").bytes(t))}}); err != nil {
		t.Fatal(err)
	}
	if err := b.m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.heard(); got != "sample=1.1.0" {
		t.Fatalf("B's Changed heard %q, want the upgrade", got)
	}
	if got := runConnector(t, b); got != "sample 1.1.0" {
		t.Fatalf("B runs %q after the upgrade", got)
	}
	if releases, _ := os.ReadDir(filepath.Join(b.dir, "extensions", "sample")); len(releases) != 1 {
		t.Fatalf("B keeps %d release folders of sample, want only the current one", len(releases))
	}

	if err := a.m.Uninstall(ctx, "sample", extensions.UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := b.m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.heard(); got != "sample=1.1.0 sample=uninstalled" {
		t.Fatalf("B's Changed heard %q, want the uninstall", got)
	}
	if _, err := os.Stat(filepath.Join(b.dir, "extensions", "sample")); !os.IsNotExist(err) {
		t.Fatalf("sample still on B's disk after the uninstall through A: %v", err)
	}
	if _, err := b.m.Launch(ctx, "sample"); !errors.Is(err, extensions.ErrNotInstalled) {
		t.Fatalf("launch on B after uninstall: %v, want ErrNotInstalled", err)
	}
}

// storedArchiveDoc mirrors the stored archive's JSON, as someone with
// write access to the database could rewrite it.
type storedArchiveDoc struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	Data    []byte `json:"data"`
}

func TestTamperedStoredArchiveIsRefusedOnOtherHosts(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	other := exttest.Key(t) // not trusted

	// spoil returns archive bytes that differ from what A installed.
	cases := map[string]struct {
		spoil      func(t *testing.T) []byte
		fixRecord  bool // the record's digest is rewritten to match too
		wantReason error
	}{
		"bytes changed": {
			spoil: func(t *testing.T) []byte {
				data := newParts(key, "1.0.0").bytes(t)
				data[len(data)/2] ^= 0xff
				return data
			},
			wantReason: extensions.ErrStoredArchive,
		},
		"a file changed, record digest rewritten": {
			spoil: func(t *testing.T) []byte {
				p := newParts(key, "1.0.0")
				changed := 0
				for i := range p.files {
					if p.files[i].Name == ext.BinaryPath(ext.HostPlatform(), "idbridge-sample") {
						p.files[i].Body = []byte("#!/bin/sh\necho EVILPE 1.0.0\n")
						changed++
					}
				}
				if changed != 1 {
					t.Fatalf("changed %d files, want the binary", changed)
				}
				return p.bytes(t)
			},
			fixRecord:  true,
			wantReason: ext.ErrHashMismatch,
		},
		"another publisher, record digest rewritten": {
			spoil: func(t *testing.T) []byte {
				p := newParts(key, "1.0.0")
				p.man.Publisher = "someone-else"
				return p.bytes(t)
			},
			fixRecord:  true,
			wantReason: extensions.ErrPublisherChanged,
		},
		"signed by an untrusted key, record digest rewritten": {
			spoil: func(t *testing.T) []byte {
				return newParts(other, "1.0.0").bytes(t)
			},
			fixRecord: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			docs, a, b := twoHostsOnPostgres(t, key)
			rec, err := a.m.Install(ctx, extensions.Source{File: writeArchive(t, newParts(key, "1.0.0").bytes(t))})
			if err != nil {
				t.Fatal(err)
			}
			data := tc.spoil(t)
			sum := exttest.Sum(data)
			if tc.fixRecord {
				if err := docs.Delete(ctx, "extension-archive", "sample@"+rec.ArchiveSHA256); err != nil {
					t.Fatal(err)
				}
				rec.ArchiveSHA256 = sum
				if err := docs.Put(ctx, "extension", "sample", rec); err != nil {
					t.Fatal(err)
				}
			}
			doc := storedArchiveDoc{ID: "sample", Version: "1.0.0", SHA256: sum, Data: data}
			if err := docs.Put(ctx, "extension-archive", "sample@"+rec.ArchiveSHA256, doc); err != nil {
				t.Fatal(err)
			}
			before := tree(t, b.dir)

			_, err = b.m.Launch(ctx, "sample")
			if err == nil {
				t.Fatal("B launched a tampered archive")
			}
			if tc.wantReason != nil && !errors.Is(err, tc.wantReason) {
				t.Fatalf("B refused with %v, want %v", err, tc.wantReason)
			}
			if err := b.m.Sync(ctx); err == nil {
				t.Fatal("Sync on B took the tampered archive")
			}
			if after := tree(t, b.dir); after != before {
				t.Fatalf("B's data folder changed by a refused archive:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if got := b.heard(); got != "" {
				t.Fatalf("B's Changed heard %q for a refused archive", got)
			}
			// A, which unpacked the archive itself, is untouched.
			if got := runConnector(t, a); got != "sample 1.0.0" {
				t.Fatalf("A runs %q", got)
			}
		})
	}
}
