package secrets

import (
	"errors"
	"strings"
	"testing"
)

func TestResealMovesValueToNewKeyOnly(t *testing.T) {
	oldKey, newKeyBytes := newKey(t), newKey(t)
	old, _ := NewBox(oldKey)
	ad := Binding("integration", "one", "apiKey")
	s, _ := old.Seal([]byte("ck-old-secret"), ad)

	m := NewMasker()
	r, err := NewRotator(oldKey, newKeyBytes, m)
	if err != nil {
		t.Fatal(err)
	}
	out, outcome, err := r.Reseal(s, ad)
	if err != nil || outcome != Resealed {
		t.Fatalf("Reseal = %v, %v", outcome, err)
	}
	if id, _ := SealedKeyID(out); id != KeyID(newKeyBytes) {
		t.Fatalf("re-sealed value names key %s, want the new key %s", id, KeyID(newKeyBytes))
	}
	onlyNew, _ := NewBox(newKeyBytes)
	if got, err := onlyNew.Open(out, ad); err != nil || string(got) != "ck-old-secret" {
		t.Fatalf("the new key alone opens %q, %v", got, err)
	}
	if _, err := old.Open(out, ad); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("the old key still opens the re-sealed value: %v", err)
	}
	if m.String("ck-old-secret") != Mask {
		t.Fatal("the rotator did not teach the masker the value it opened")
	}

	again, outcome, err := r.Reseal(out, ad)
	if err != nil || outcome != AlreadyCurrent || again != out {
		t.Fatalf("second Reseal = %v, %v, changed %v; want it left alone", outcome, err, again != out)
	}
}

func TestResealLeavesUnopenableValues(t *testing.T) {
	oldKey, newKeyBytes := newKey(t), newKey(t)
	r, _ := NewRotator(oldKey, newKeyBytes, nil)
	stranger, _ := NewBox(newKey(t))
	next, _ := NewBox(newKeyBytes)
	ad := Binding("integration", "one", "apiKey")
	foreign, _ := stranger.Seal([]byte("v"), ad)
	underNew, _ := next.Seal([]byte("v"), ad)

	for name, tc := range map[string]struct {
		in   string
		ad   []byte
		want error
	}{
		"unknown key":              {foreign, ad, ErrUnknownKey},
		"new key, other binding":   {underNew, Binding("integration", "two", "apiKey"), ErrTampered},
		"old key, other binding":   {mustSeal(t, oldKey, ad), Binding("integration", "two", "apiKey"), ErrTampered},
		"not a sealed value":       {"plain", ad, ErrNotSealed},
		"sealed prefix, no key id": {prefix + ":abc", ad, ErrNotSealed},
	} {
		out, outcome, err := r.Reseal(tc.in, tc.ad)
		if outcome != Failed || !errors.Is(err, tc.want) || out != tc.in {
			t.Errorf("%s: Reseal = %v, %v, changed %v; want Failed, %v, unchanged", name, outcome, err, out != tc.in, tc.want)
		}
	}
	_, _, err := r.Reseal(foreign, ad)
	if id, _ := SealedKeyID(foreign); !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "enter this secret again") {
		t.Errorf("unknown-key error does not name the key and the fix: %v", err)
	}
}

func TestNewRotatorRefusesBadKeys(t *testing.T) {
	if _, err := NewRotator(newKey(t), []byte("short"), nil); err == nil || !strings.Contains(err.Error(), "new master key") {
		t.Fatalf("a short new key: %v", err)
	}
	if _, err := NewRotator([]byte("short"), newKey(t), nil); err == nil || !strings.Contains(err.Error(), "current master key") {
		t.Fatalf("a short current key: %v", err)
	}
}

func mustSeal(t *testing.T, key, ad []byte) string {
	t.Helper()
	b, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Seal([]byte("v"), ad)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
