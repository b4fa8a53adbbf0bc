package ext_test

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

func TestKeyPairFilesRoundTripAndAreNeverOverwritten(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k.key")
	key := exttest.Key(t)
	if err := ext.WriteKeyPair(p, key); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("private key is readable by others: %v", st.Mode())
	}
	got, err := ext.ReadPrivateKeyFile(p)
	if err != nil || !got.Equal(key) {
		t.Fatalf("read back: %v", err)
	}
	raw, _ := os.ReadFile(p + ".pub")
	pub, err := ext.ParsePublicKey(raw)
	if err != nil || !pub.Equal(key.Public()) {
		t.Fatalf("public key: %v", err)
	}
	if err := ext.WriteKeyPair(p, exttest.Key(t)); err == nil || !strings.Contains(err.Error(), "never overwritten") {
		t.Fatalf("overwrite: %v", err)
	}
	if again, _ := ext.ReadPrivateKeyFile(p); !again.Equal(key) {
		t.Fatal("the key file changed")
	}
	if _, err := ext.ParsePublicKey([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n")); !errors.Is(err, ext.ErrInvalidKey) {
		t.Fatalf("wrong block type: %v", err)
	}
	if _, err := ext.ParsePrivateKey(raw); !errors.Is(err, ext.ErrInvalidKey) {
		t.Fatalf("public key read as private: %v", err)
	}
	if id := ext.KeyID(key.Public().(ed25519.PublicKey)); len(id) != 16 {
		t.Fatalf("key id %q", id)
	}
}

func TestSignatureFileErrors(t *testing.T) {
	key := exttest.Key(t)
	good := ext.SignManifest([]byte("{}"), key).Marshal()
	if _, err := ext.ParseSignature(good); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"not json":      "nope",
		"unknown field": `{"algorithm":"ed25519","key_id":"0123456789abcdef","signature":"AA==","extra":1}`,
		"bad key id":    `{"algorithm":"ed25519","key_id":"XYZ","signature":"AA=="}`,
		"short sig":     `{"algorithm":"ed25519","key_id":"0123456789abcdef","signature":"AA=="}`,
		"oversized":     strings.Repeat(" ", 5000),
	} {
		if _, err := ext.ParseSignature([]byte(data)); !errors.Is(err, ext.ErrInvalidSignatureFile) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
