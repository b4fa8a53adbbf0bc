// Package exttest builds extension archives for tests: valid ones through
// the real Pack, and hostile ones entry by entry, so that every refusal the
// host makes can be provoked on purpose.
package exttest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// Key returns a fresh signing key.
func Key(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	k, err := ext.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Policy trusts exactly the given keys.
func Policy(keys ...ed25519.PrivateKey) ext.TrustPolicy {
	p := ext.TrustPolicy{Keys: map[string]ed25519.PublicKey{}}
	for _, k := range keys {
		pub := k.Public().(ed25519.PublicKey)
		p.Keys[ext.KeyID(pub)] = pub
	}
	return p
}

// Spec describes a small valid extension.
type Spec struct {
	// ID defaults to "sample".
	ID string
	// Version defaults to "1.0.0".
	Version string
	// Publisher defaults to "example".
	Publisher string
	// Binaries maps platform to binary content; defaults to a small
	// placeholder for the host platform and for windows/amd64.
	Binaries map[string][]byte
}

func (s Spec) withDefaults() Spec {
	if s.ID == "" {
		s.ID = "sample"
	}
	if s.Version == "" {
		s.Version = "1.0.0"
	}
	if s.Publisher == "" {
		s.Publisher = "example"
	}
	if s.Binaries == nil {
		s.Binaries = map[string][]byte{
			ext.HostPlatform(): []byte("#!/bin/sh\necho host binary\n"),
			"windows/amd64":    []byte("MZ placeholder for another platform"),
		}
		if ext.HostPlatform() == "windows/amd64" {
			delete(s.Binaries, "windows/amd64")
			s.Binaries["linux/amd64"] = []byte("#!/bin/sh\necho other platform\n")
		}
	}
	return s
}

// WriteDir lays out a folder that `idbridge ext pack` accepts.
func WriteDir(t testing.TB, dir string, spec Spec) {
	t.Helper()
	spec = spec.withDefaults()
	m := ext.Manifest{
		FormatVersion:    ext.FormatVersion,
		ID:               spec.ID,
		Name:             "Sample " + spec.ID,
		Version:          spec.Version,
		Publisher:        spec.Publisher,
		Description:      "A sample extension for tests.",
		ProtocolVersions: []int{1},
		HostVersion:      ">= 0.0.0",
		Platforms:        map[string]ext.Binary{},
		Readme:           "README.md",
		Icon:             "icon.svg",
		OutboundHosts:    []string{"api.example.com"},
	}
	write := func(name string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for plat, data := range spec.Binaries {
		p := ext.BinaryPath(plat, "idbridge-"+spec.ID)
		m.Platforms[plat] = ext.Binary{Path: p}
		write(p, data)
	}
	write("README.md", []byte("# Sample\n\nUsed by tests.\n"))
	write("icon.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`))
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	write(ext.ManifestName, raw)
}

// Build packs spec (signed with key when not nil) and returns the archive.
func Build(t testing.TB, spec Spec, key ed25519.PrivateKey) []byte {
	t.Helper()
	dir := t.TempDir()
	WriteDir(t, dir, spec)
	var buf bytes.Buffer
	if _, err := ext.Pack(context.Background(), dir, &buf, ext.PackOptions{Key: key}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Entry is one raw zip entry for hand-made archives.
type Entry struct {
	// Name is written as is, however unsafe.
	Name string
	// Body is the content (the link target for symlinks).
	Body []byte
	// Mode sets the Unix mode bits, including type bits; 0 means 0644.
	Mode fs.FileMode
	// Method defaults to Deflate; Store sets zip.Store.
	Method uint16
	// Store writes the entry uncompressed.
	Store bool
	// Header, when set, edits the header just before it is written.
	Header func(*zip.FileHeader)
	// Raw, when set, is written as the entry's compressed data as is
	// (Body is ignored), with RawSize as the declared unpacked size: for
	// entries whose headers lie about their data.
	Raw []byte
	// RawSize is the unpacked size declared for a Raw entry.
	RawSize uint64
}

// Zip writes entries as they are, with no checking at all.
func Zip(t testing.TB, entries []Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
		if e.Method != 0 {
			h.Method = e.Method
		}
		if e.Store {
			h.Method = zip.Store
		}
		mode := e.Mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		if e.Raw != nil {
			h.CompressedSize64, h.UncompressedSize64 = uint64(len(e.Raw)), e.RawSize
		}
		if e.Header != nil {
			e.Header(h)
		}
		if e.Raw != nil {
			w, err := zw.CreateRaw(h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(e.Raw); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Deflate compresses data as a zip entry's deflate stream.
func Deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Sum is the hex SHA-256 of data.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
