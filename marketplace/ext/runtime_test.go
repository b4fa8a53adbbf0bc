package ext_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// interpreted is a valid manifest of a Python connector.
func interpreted() *ext.Manifest {
	m := validManifest()
	sum := strings.Repeat("b", 64)
	m.Platforms = nil
	m.Files = append(m.Files, ext.File{Path: "main.py", SHA256: sum, Size: 10}, ext.File{Path: "lib/acme.py", SHA256: sum, Size: 10})
	m.Runtime = &ext.Runtime{Name: "python3", MinVersion: "3.11", Entry: "main.py",
		Modules: []ext.RuntimeModule{{Name: "grpc", DebianPackage: "python3-grpcio"}}}
	return m
}

func TestRuntimeManifestValidatesAndNamesTheField(t *testing.T) {
	if err := interpreted().Validate(); err != nil {
		t.Fatalf("a valid interpreted manifest: %v", err)
	}
	for field, edit := range map[string]func(*ext.Manifest){
		"runtime":                           func(m *ext.Manifest) { m.Platforms = validManifest().Platforms },
		"platforms":                         func(m *ext.Manifest) { m.Runtime = nil },
		"runtime.name":                      func(m *ext.Manifest) { m.Runtime.Name = "ruby" },
		"runtime.min_version":               func(m *ext.Manifest) { m.Runtime.MinVersion = ">= 3" },
		"runtime.entry":                     func(m *ext.Manifest) { m.Runtime.Entry = "missing.py" },
		"runtime.modules[0].name":           func(m *ext.Manifest) { m.Runtime.Modules[0].Name = "grpc; rm -rf /" },
		"runtime.modules[0].debian_package": func(m *ext.Manifest) { m.Runtime.Modules[0].DebianPackage = "Python3 GRPC" },
	} {
		m := interpreted()
		edit(m)
		err := m.Validate()
		var me *ext.ManifestError
		if !errors.As(err, &me) || me.Field != field && !strings.HasPrefix(me.Field, field+".") {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

// TestPackCoversEveryFileOfAnInterpretedConnector packs a script connector
// and checks that every file is hashed and signed, that the entry script is
// the "binary" of every platform and is executable, and that a changed
// module is refused like a changed binary.
func TestPackCoversEveryFileOfAnInterpretedConnector(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string]string{
		"manifest.json": `{"format_version":1,"id":"acme-python","name":"Acme (Python)","version":"0.1.0","publisher":"idbridge",
			"description":"d","protocol_versions":[1],"host_version":">= 0.1.0",
			"runtime":{"name":"python3","min_version":"3.11","entry":"main.py"},"readme":"README.md","icon":"icon.svg"}`,
		"main.py": "import lib.acme\n", "lib/acme.py": "X = 1\n", "README.md": "r", "icon.svg": "<svg/>",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	priv, err := ext.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "acme-python.ext")
	m, err := ext.PackFile(ctx, dir, out, ext.PackOptions{Key: priv})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 4 || m.Runtime == nil || len(m.Platforms) != 0 {
		t.Fatalf("manifest: %+v", m)
	}
	a, err := ext.Open(ctx, out, ext.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	pub := priv.Public().(ed25519.PublicKey)
	if _, err := a.Verify(ext.TrustPolicy{Keys: map[string]ed25519.PublicKey{ext.KeyID(pub): pub}}); err != nil {
		t.Fatal(err)
	}
	for _, plat := range []string{"linux/amd64", "darwin/arm64"} {
		if err := a.CheckHost("0.1.0", []int{1}, plat); err != nil {
			t.Errorf("a script connector on %s: %v", plat, err)
		}
	}
	u, err := a.Unpack(ctx, t.TempDir(), "linux/arm64")
	if err != nil {
		t.Fatal(err)
	}
	if u.Binary.Path != "main.py" || !u.Binary.Executable || len(u.Files) != 6 {
		t.Fatalf("unpacked %+v", u)
	}

	// The same archive with lib/acme.py changed after signing.
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "tampered.ext")
	changed := rewrite(t, raw, func(name string, body []byte) []byte {
		if name == "lib/acme.py" {
			return []byte("X = 2\n")
		}
		return body
	})
	if err := os.WriteFile(tampered, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := ext.Open(ctx, tampered, ext.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.VerifyContents(ctx); !errors.Is(err, ext.ErrHashMismatch) {
		t.Fatalf("a changed module: %v, want ErrHashMismatch", err)
	}
}
