package ext_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

func TestPackVerifyUnpackRoundTrip(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	data := exttest.Build(t, exttest.Spec{}, key)

	a, err := ext.Read(ctx, bytes.NewReader(data), int64(len(data)), ext.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Unpack(ctx, t.TempDir(), ext.HostPlatform()); !errors.Is(err, ext.ErrNotVerified) {
		t.Fatalf("Unpack before Verify: got %v, want ErrNotVerified", err)
	}
	v, err := a.Verify(exttest.Policy(key))
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != ext.StatusVerified || v.KeyID != ext.KeyID(key.Public().(ed25519.PublicKey)) {
		t.Fatalf("verification = %+v", v)
	}
	if err := a.CheckHost("1.0.0", []int{1}, ext.HostPlatform()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	u, err := a.Unpack(ctx, dir, ext.HostPlatform())
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.FromSlash(u.Binary.Path))
	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o100 == 0 {
		t.Errorf("host binary %s is not executable: %v", u.Binary.Path, st.Mode())
	}
	// Other platforms' binaries are hashed but not written.
	for plat, b := range a.Manifest.Platforms {
		if plat == ext.HostPlatform() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(b.Path))); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("binary for %s was written: %v", plat, err)
		}
	}
	for _, f := range []string{"README.md", "icon.svg", ext.ManifestName, ext.SignatureName} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("%s missing: %v", f, err)
			continue
		}
		if st.Mode().Perm()&0o111 != 0 {
			t.Errorf("%s is executable", f)
		}
	}
}

func TestPackIsReproducible(t *testing.T) {
	dir := t.TempDir()
	exttest.WriteDir(t, dir, exttest.Spec{})
	var a, b bytes.Buffer
	if _, err := ext.Pack(context.Background(), dir, &a, ext.PackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ext.Pack(context.Background(), dir, &b, ext.PackOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("packing the same folder twice gave different archives")
	}
}

func TestSignFileAddsAndReplacesSignature(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.ext")
	if err := os.WriteFile(path, exttest.Build(t, exttest.Spec{}, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	first, second := exttest.Key(t), exttest.Key(t)
	mustSign(t, path, first)
	mustSign(t, path, second)
	a, err := ext.Open(ctx, path, ext.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Verify(exttest.Policy(second)); err != nil {
		t.Fatalf("verify with the second key: %v", err)
	}
	if _, err := a.Verify(exttest.Policy(first)); !errors.Is(err, ext.ErrUntrustedKey) {
		t.Fatalf("the first signature should have been replaced, got %v", err)
	}
}

func mustSign(t *testing.T, path string, key ed25519.PrivateKey) ext.Signature {
	t.Helper()
	s, err := ext.SignFile(context.Background(), path, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
