package secrets

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	b, err := NewBox(newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	ad := Binding("integration", "clockify-main", "apiKey")
	s1, err := b.Seal([]byte("s3cr3t-api-key"), ad)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := b.Seal([]byte("s3cr3t-api-key"), ad)
	if s1 == s2 {
		t.Fatal("sealing twice gave the same text: nonces are not random")
	}
	if strings.Contains(s1, "s3cr3t") || !IsSealed(s1) || !strings.Contains(s1, b.KeyID()) {
		t.Fatalf("sealed text %q", s1)
	}
	got, err := b.Open(s1, ad)
	if err != nil || string(got) != "s3cr3t-api-key" {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

func TestOpenWithWrongKeyFailsClearly(t *testing.T) {
	a, _ := NewBox(newKey(t))
	other, _ := NewBox(newKey(t))
	s, _ := a.Seal([]byte("value"), nil)
	_, err := other.Open(s, nil)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with another key: %v, want ErrWrongKey", err)
	}
	if !strings.Contains(err.Error(), "master key") {
		t.Fatalf("error does not tell the user what to do: %v", err)
	}
}

func TestOpenDetectsTampering(t *testing.T) {
	b, _ := NewBox(newKey(t))
	ad := Binding("integration", "one", "apiKey")
	s, _ := b.Seal([]byte("value"), ad)
	// Flip one character of the ciphertext.
	i := len(s) - 5
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	flipped := s[:i] + string(c) + s[i+1:]
	for name, tc := range map[string]struct {
		text string
		ad   []byte
		want error
	}{
		"flipped byte":       {flipped, ad, ErrTampered},
		"truncated":          {s[:len(prefix)+len(b.KeyID())+5], ad, ErrTampered},
		"other integration":  {s, Binding("integration", "two", "apiKey"), ErrTampered},
		"other setting":      {s, Binding("integration", "one", "password"), ErrTampered},
		"ambiguous binding":  {s, Binding("integration", "on", "eapiKey"), ErrTampered},
		"not sealed":         {"plain text", ad, ErrNotSealed},
		"missing key id sep": {prefix + "nokey", ad, ErrNotSealed},
	} {
		if _, err := b.Open(tc.text, tc.ad); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
}

func TestRotationOpensOldValues(t *testing.T) {
	oldKey, newKeyBytes := newKey(t), newKey(t)
	old, _ := NewBox(oldKey)
	s, _ := old.Seal([]byte("v"), nil)
	rotated, err := NewBox(newKeyBytes, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(s, nil); err != nil || string(got) != "v" {
		t.Fatalf("rotated box cannot open an old value: %q, %v", got, err)
	}
	s2, _ := rotated.Seal([]byte("v"), nil)
	if !strings.Contains(s2, KeyID(newKeyBytes)) {
		t.Fatal("rotated box does not seal with the new key")
	}
}

func TestNewBoxRefusesShortKey(t *testing.T) {
	if _, err := NewBox(bytes.Repeat([]byte{1}, 16)); err == nil {
		t.Fatal("a 16-byte key was accepted")
	}
}
