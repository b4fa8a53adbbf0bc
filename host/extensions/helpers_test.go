package extensions_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// parts is an archive under construction: a manifest, its signature and
// the other entries, each of which a test case may spoil.
type parts struct {
	man      ext.Manifest
	files    []exttest.Entry
	key      ed25519.PrivateKey // nil: unsigned
	rawMan   []byte             // replaces the marshalled manifest
	rawSig   []byte             // replaces the computed signature
	noMan    bool
	manEntry func(*exttest.Entry)
}

// newParts is a valid extension with binaries for this platform and one
// other, signed with key.
func newParts(key ed25519.PrivateKey, version string) *parts {
	p := &parts{key: key}
	p.man = ext.Manifest{
		FormatVersion: ext.FormatVersion, ID: "sample", Name: "Sample", Version: version, Publisher: "example",
		Description: "A sample.", ProtocolVersions: []int{1}, HostVersion: ">= 0.1.0",
		Platforms: map[string]ext.Binary{}, Readme: "README.md", Icon: "icon.svg",
		OutboundHosts: []string{"api.example.com"},
	}
	other := "windows/amd64"
	if ext.HostPlatform() == other {
		other = "linux/amd64"
	}
	p.addBinary(ext.HostPlatform(), []byte("#!/bin/sh\necho sample "+version+"\n"))
	p.addBinary(other, []byte("binary for another platform"))
	p.addFile("README.md", []byte("# Sample\n"))
	p.addFile("icon.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	return p
}

func (p *parts) addBinary(plat string, data []byte) {
	path := ext.BinaryPath(plat, "idbridge-sample")
	p.man.Platforms[plat] = ext.Binary{Path: path, SHA256: exttest.Sum(data), Size: int64(len(data))}
	p.files = append(p.files, exttest.Entry{Name: path, Body: data, Mode: 0o755})
}

func (p *parts) addFile(name string, data []byte) {
	p.man.Files = append(p.man.Files, ext.File{Path: name, SHA256: exttest.Sum(data), Size: int64(len(data))})
	p.files = append(p.files, exttest.Entry{Name: name, Body: data})
}

func (p *parts) bytes(t testing.TB) []byte {
	t.Helper()
	man := p.rawMan
	if man == nil {
		var err error
		if man, err = p.man.Marshal(); err != nil {
			t.Fatal(err)
		}
	}
	var entries []exttest.Entry
	if !p.noMan {
		e := exttest.Entry{Name: ext.ManifestName, Body: man}
		if p.manEntry != nil {
			p.manEntry(&e)
		}
		entries = append(entries, e)
	}
	switch {
	case p.rawSig != nil:
		entries = append(entries, exttest.Entry{Name: ext.SignatureName, Body: p.rawSig})
	case p.key != nil:
		entries = append(entries, exttest.Entry{Name: ext.SignatureName, Body: ext.SignManifest(man, p.key).Marshal()})
	}
	return exttest.Zip(t, append(entries, p.files...))
}

// tarArchive writes a tar (gzip-compressed when gz is set) with headers
// as given.
func tarArchive(t testing.TB, gz bool, hdrs ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w = &buf
	var gzw *gzip.Writer
	tw := tar.NewWriter(w)
	if gz {
		gzw = gzip.NewWriter(w)
		tw = tar.NewWriter(gzw)
	}
	for _, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(bytes.Repeat([]byte("x"), int(h.Size))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if gzw != nil {
		if err := gzw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// fakeUsage is a UsageChecker with fixed answers that records purges.
type fakeUsage struct {
	mu     sync.Mutex
	uses   map[string][]extensions.Usage
	purged []string
}

func (f *fakeUsage) IntegrationsUsing(_ context.Context, id string) ([]extensions.Usage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.uses[id], nil
}

func (f *fakeUsage) PurgeIntegrations(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.purged = append(f.purged, id)
	delete(f.uses, id)
	return nil
}

// env is a fresh host data folder with a manager that trusts key.
type env struct {
	dir   string
	docs  *store.MemoryDocs
	usage *fakeUsage
	m     *extensions.Manager
}

func newEnv(t testing.TB, key ed25519.PrivateKey, limits ext.Limits) *env {
	t.Helper()
	e := &env{dir: filepath.Join(t.TempDir(), "data"), docs: store.NewMemoryDocs(), usage: &fakeUsage{uses: map[string][]extensions.Usage{}}}
	e.m = e.open(t, limits)
	if key != nil {
		pem, err := ext.MarshalPublicKey(key.Public().(ed25519.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.m.TrustKey(context.Background(), "test marketplace", pem); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) open(t testing.TB, limits ext.Limits) *extensions.Manager {
	t.Helper()
	m, err := extensions.New(context.Background(), extensions.Config{
		DataDir: e.dir, Docs: e.docs, Usage: e.usage, HostVersion: "1.0.0", Limits: limits,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// writeArchive puts data in a file outside the data folder.
func writeArchive(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.ext")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tree lists every path under root with its mode, staging included: after
// a refusal it must look exactly as before.
func tree(t testing.TB, root string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		lines = append(lines, rel+" "+info.Mode().String())
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
