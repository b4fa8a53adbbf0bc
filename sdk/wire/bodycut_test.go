package wire

import (
	"strings"
	"testing"
)

func TestBodyCutNeverSplitsASecret(t *testing.T) {
	secret := "s3cr3t-KEY"
	body := []byte(strings.Repeat("a", 95) + secret + strings.Repeat("b", 95))
	for n := 0; n <= len(body); n++ {
		cut := BodyCut(body, n, true, []string{secret})
		if cut > n {
			t.Fatalf("n=%d: cut %d keeps more than asked", n, cut)
		}
		if n > 95 && n < 95+len(secret) && cut != 95 {
			t.Fatalf("n=%d: cut %d falls inside the secret (it starts at 95)", n, cut)
		}
		if (n <= 95 || n >= 95+len(secret)) && cut != n {
			t.Fatalf("n=%d: cut %d moved although no secret straddles", n, cut)
		}
	}
}

func TestBodyCutOverlappingSecrets(t *testing.T) {
	// "xxxxABCD" then "CDEFyyyy": cutting inside the second moves the cut
	// to "CD", which is inside the first, so it moves again to "AB".
	body := []byte("0123ABCDEF9876")
	cut := BodyCut(body, 9, true, []string{"ABCD", "CDEF"})
	if cut != 4 {
		t.Fatalf("cut = %d, want 4 (before ABCD)", cut)
	}
}

func TestBodyCutOfAPartialBodyStopsBeforeASecretsStart(t *testing.T) {
	secret := "s3cr3t-KEY"
	// The body was already cut by the sender right after "s3cr": the tail
	// may be a secret's start, so it is not kept.
	body := []byte(strings.Repeat("a", 50) + secret[:4])
	if cut := BodyCut(body, 100, false, []string{secret}); cut != 50 {
		t.Fatalf("cut = %d, want 50", cut)
	}
	if cut := BodyCut(body, 100, true, []string{secret}); cut != len(body) {
		t.Fatalf("whole body: cut = %d, want %d", cut, len(body))
	}
}
