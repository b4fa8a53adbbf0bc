package ext_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// FuzzParseManifest feeds arbitrary bytes to the manifest parser. It must
// never panic, and whatever it accepts must be valid and survive a
// marshal-and-parse round trip unchanged.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format_version":1,"id":"a","id":"b"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ext.ParseManifest(data)
		if err != nil {
			if m != nil {
				t.Fatal("a manifest returned with an error")
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted a manifest that does not validate: %v", err)
		}
		again, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := ext.ParseManifest(again)
		if err != nil {
			t.Fatalf("re-parse of an accepted manifest failed: %v\n%s", err, again)
		}
		again2, _ := m2.Marshal()
		if !bytes.Equal(again, again2) {
			t.Fatalf("round trip changed the manifest:\n%s\n%s", again, again2)
		}
	})
}

// FuzzUnpack feeds arbitrary bytes to the archive reader and, when they
// pass, unpacks them (trusting every publisher). It must never panic,
// write outside its folder, create anything but regular files and
// folders, or write a file whose hash differs from the manifest.
func FuzzUnpack(f *testing.F) {
	key := exttest.Key(f)
	f.Add(exttest.Build(f, exttest.Spec{}, key))
	f.Add(exttest.Build(f, exttest.Spec{}, nil))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte("\x28\xb5\x2f\xfd\x04\x58\x45\x00\x00\x10zstd"))
	f.Add(exttest.Zip(f, []exttest.Entry{{Name: ext.ManifestName, Body: []byte("{}")}, {Name: "docs", Body: []byte("x")}, {Name: "docs/a", Body: []byte("y")}}))
	f.Add(exttest.Zip(f, []exttest.Entry{{Name: "pad.bin", Raw: append(exttest.Deflate(f, make([]byte, 1<<16)), make([]byte, 512)...), RawSize: 1 << 16}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		limits := ext.Limits{MaxFiles: 64, MaxFileBytes: 4 << 20, MaxTotalBytes: 8 << 20}
		a, err := ext.Read(ctx, bytes.NewReader(data), int64(len(data)), limits)
		if err != nil {
			return
		}
		policy := exttest.Policy(key)
		policy.AllowedPublishers = map[string]bool{a.Manifest.Publisher: true}
		if _, err := a.Verify(policy); err != nil {
			if !errors.Is(err, ext.ErrBadSignature) && !errors.Is(err, ext.ErrInvalidSignatureFile) {
				t.Fatalf("unexpected verification error: %v", err)
			}
			return
		}
		parent := t.TempDir()
		dir := filepath.Join(parent, "stage")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		u, err := a.Unpack(ctx, dir, ext.HostPlatform())
		written := map[string]string{}
		if err == nil {
			for _, f := range u.Files {
				written[f.Path] = f.SHA256
			}
		}
		// Nothing may appear beside the staging folder.
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Fatalf("unpack wrote outside its folder: %v", entries)
		}
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, werr error) error {
			if werr != nil {
				t.Fatal(werr)
			}
			if !d.IsDir() && !d.Type().IsRegular() {
				t.Fatalf("unpack created a non-regular file %s (%v)", p, d.Type())
			}
			if err == nil && d.Type().IsRegular() {
				rel, _ := filepath.Rel(dir, p)
				data, _ := os.ReadFile(p)
				if want, ok := written[filepath.ToSlash(rel)]; !ok || want != exttest.Sum(data) {
					t.Fatalf("%s on disk does not match what Unpack reported", rel)
				}
			}
			return nil
		})
	})
}

// FuzzCheckPath checks that every path CheckPath accepts is clean,
// relative and portable, and that names folding to the same key are
// caught as one.
func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{"README.md", "bin/linux-amd64/x", "../x", "con.txt", "a\u202eb", "caf\u00e9", "cafe\u0301", "A/b"} {
		f.Add(s, strings.ToUpper(s))
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if ext.CheckPath(a) != nil {
			return
		}
		if !fs.ValidPath(a) || strings.HasPrefix(a, "/") || strings.Contains(a, `\`) || strings.Contains(a, "..") && strings.Contains("/"+a+"/", "/../") {
			t.Fatalf("accepted an unsafe path %q", a)
		}
		for _, elem := range strings.Split(a, "/") {
			if ext.IsWindowsReserved(elem) {
				t.Fatalf("accepted a Windows device name in %q", a)
			}
		}
		if ext.CheckPath(b) != nil || a == b {
			return
		}
		m := validManifest()
		m.Files = append(m.Files, ext.File{Path: a, SHA256: strings.Repeat("a", 64)}, ext.File{Path: b, SHA256: strings.Repeat("a", 64)})
		err := m.Validate()
		if strings.EqualFold(a, b) && (err == nil || !strings.Contains(err.Error(), "same")) {
			t.Fatalf("%q and %q differ only in case but were both accepted: %v", a, b, err)
		}
	})
}
