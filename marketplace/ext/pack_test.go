package ext_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

func TestPackRefusals(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		edit func(t *testing.T, dir string)
		says string
	}{
		"symlink in the folder": {func(t *testing.T, dir string) {
			if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatal("CI must be able to make a symlink:", err)
				}
				t.Skip("symlinks unavailable:", err)
			}
		}, "not a regular file"},
		"binary missing": {func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "bin", "windows-amd64")); err != nil {
				t.Fatal(err)
			}
		}, "is not in the folder"},
		"no manifest": {func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, ext.ManifestName)); err != nil {
				t.Fatal(err)
			}
		}, "needs a manifest.json"},
		"invalid manifest": {func(t *testing.T, dir string) {
			editManifest(t, dir, func(m map[string]any) { m["id"] = "Not Valid" })
		}, "id:"},
		"unknown manifest field": {func(t *testing.T, dir string) {
			editManifest(t, dir, func(m map[string]any) { m["platfroms"] = 1 })
		}, "unknown field"},
		"icon missing": {func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "icon.svg")); err != nil {
				t.Fatal(err)
			}
		}, "icon"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			exttest.WriteDir(t, dir, exttest.Spec{})
			c.edit(t, dir)
			out := filepath.Join(t.TempDir(), "x.ext")
			_, err := ext.PackFile(ctx, dir, out, ext.PackOptions{})
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("error %v does not say %q", err, c.says)
			}
			if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
				t.Fatalf("a failed pack left %v", entries)
			}
		})
	}
}

func editManifest(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	p := filepath.Join(dir, ext.ManifestName)
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	raw, _ = json.Marshal(m)
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSignFileRefusesAnInconsistentArchive(t *testing.T) {
	ctx := context.Background()
	data := rewrite(t, exttest.Build(t, exttest.Spec{}, nil), func(name string, body []byte) []byte {
		if name == "README.md" {
			return bytes.ToUpper(body) // same length: only the hash can tell
		}
		return body
	})
	p := filepath.Join(t.TempDir(), "x.ext")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	_, err := ext.SignFile(ctx, p, exttest.Key(t))
	if !errors.Is(err, ext.ErrHashMismatch) && !errors.Is(err, ext.ErrCorrupt) {
		t.Fatalf("sign of an altered archive: %v", err)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Fatal("a refused sign changed the file")
	}
}

// rewrite copies a zip, passing each entry's content through edit.
func rewrite(t *testing.T, data []byte, edit func(name string, body []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var entries []exttest.Entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, exttest.Entry{Name: f.Name, Body: edit(f.Name, body)})
	}
	return exttest.Zip(t, entries)
}
