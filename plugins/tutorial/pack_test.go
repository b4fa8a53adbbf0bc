package tutorial_test

import (
	"context"
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/sdk/wire"
)

// TestPackagingPacksSignsAndVerifies follows the tutorial's packing step:
// the packaging folder plus a linux/amd64 build becomes a signed .ext that
// a host trusting the key accepts and a host trusting no key refuses.
func TestPackagingPacksSignsAndVerifies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("packaging")); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin", "linux-amd64", "idbridge-acme")
	build := exec.Command("go", "build", "-o", bin, "./cmd/idbridge-acme")
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building for linux/amd64: %v\n%s", err, out)
	}
	priv, err := ext.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "acme-directory-0.1.0.ext")
	m, err := ext.PackFile(ctx, dir, out, ext.PackOptions{Key: priv})
	if err != nil {
		t.Fatalf("pack: %v", err)
	}
	if m.ID != "acme-directory" || len(m.Files) != 2 {
		t.Errorf("manifest: id %q, %d files; want acme-directory with README and icon", m.ID, len(m.Files))
	}

	a, err := ext.Open(ctx, out, ext.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Verify(ext.TrustPolicy{}); err == nil {
		t.Error("a host that trusts no key accepted the signed extension")
	}
	pub := priv.Public().(ed25519.PublicKey)
	v, err := a.Verify(ext.TrustPolicy{Keys: map[string]ed25519.PublicKey{ext.KeyID(pub): pub}})
	if err != nil {
		t.Fatalf("verify with the signing key trusted: %v", err)
	}
	if v.KeyID != ext.KeyID(pub) {
		t.Errorf("signed by %q; want %q", v.KeyID, ext.KeyID(pub))
	}
	// The host release this checkout builds, read as a host would report
	// it, without importing the host.
	raw, err := os.ReadFile("../../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	hostVersion := strings.TrimSpace(string(raw))
	if err := a.CheckHost(hostVersion, []int{int(wire.ProtocolVersion)}, "linux/amd64"); err != nil {
		t.Errorf("a current host on linux/amd64 cannot run it: %v", err)
	}
	if err := a.CheckHost(hostVersion, []int{int(wire.ProtocolVersion)}, "plan9/386"); err == nil {
		t.Error("a platform without a binary was accepted")
	}
	if err := a.VerifyContents(ctx); err != nil {
		t.Errorf("contents do not match the manifest: %v", err)
	}
}
