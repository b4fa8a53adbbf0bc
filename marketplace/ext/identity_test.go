package ext_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// TestPackChecksTheBinaryAgainstTheManifest: a binary that describes
// another id, version or protocol is refused with each difference named
// and no archive written; a matching one packs; a folder with no binary
// for this platform cannot be checked and packs.
func TestPackChecksTheBinaryAgainstTheManifest(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		d    ext.Described
		says []string
	}{
		"matching":      {ext.Described{ID: "sample", Version: "1.0.0", Protocol: 1}, nil},
		"other id":      {ext.Described{ID: "scim2", Version: "1.0.0", Protocol: 1}, []string{`id "scim2" (manifest "sample")`}},
		"other release": {ext.Described{ID: "sample", Version: "0.1.0", Protocol: 1}, []string{`version "0.1.0" (manifest "1.0.0")`}},
		"all three": {ext.Described{ID: "x", Version: "2", Protocol: 2},
			[]string{`id "x"`, `version "2"`, "protocol 2 (manifest [1])"}},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			exttest.WriteDir(t, dir, exttest.Spec{})
			var ran string
			describe := func(_ context.Context, path string) (ext.Described, error) { ran = path; return c.d, nil }
			out := filepath.Join(t.TempDir(), "x.ext")
			_, err := ext.PackFile(ctx, dir, out, ext.PackOptions{Describe: describe})
			if !strings.Contains(filepath.ToSlash(ran), "bin/"+strings.ReplaceAll(ext.HostPlatform(), "/", "-")) {
				t.Fatalf("described %q, want this platform's binary", ran)
			}
			if c.says == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ext.ErrConnectorMismatch) {
				t.Fatalf("pack = %v, want ErrConnectorMismatch", err)
			}
			for _, s := range c.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%v does not say %s", err, s)
				}
			}
			if _, statErr := os.Stat(out); statErr == nil {
				t.Fatal("a refused pack wrote the archive")
			}
		})
	}
	dir := t.TempDir()
	exttest.WriteDir(t, dir, exttest.Spec{Binaries: map[string][]byte{"plan9/386": []byte("x")}})
	called := false
	if _, err := ext.PackFile(ctx, dir, filepath.Join(t.TempDir(), "y.ext"), ext.PackOptions{Describe: func(context.Context, string) (ext.Described, error) {
		called = true
		return ext.Described{}, nil
	}}); err != nil || called {
		t.Fatalf("no binary for this platform: err %v, described %v", err, called)
	}
}
