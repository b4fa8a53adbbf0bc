package secrets

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// BenchmarkMaskerString measures masking one log-line-sized string against
// 20 registered secrets (each with its encoded forms).
func BenchmarkMaskerString(b *testing.B) {
	m := NewMasker()
	for i := range 20 {
		m.Add(fmt.Sprintf("secret-value-%02d-abcdefghijklmnop", i))
	}
	line := strings.Repeat("2026-01-01T00:00:00Z [INFO] connector: fetched page=3 records=500 ", 3)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		_ = m.String(line)
	}
}

// BenchmarkMaskerExchange measures masking an exchange-sized body that
// holds no secret, the common case of a run entry, against the forms of
// three integrations' keys.
func BenchmarkMaskerExchange(b *testing.B) {
	m := NewMasker()
	for i := range 3 {
		m.Add(fmt.Sprintf("ck-%02d-0123456789abcdef0123456789abcdef", i))
	}
	body := []byte(strings.Repeat(`{"id":"64f0c0ffee0123456789abcd","email":"ada.lovelace@example.com","status":"ACTIVE"},`, 8))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_ = m.Bytes(body)
	}
}

// BenchmarkMaskedLogger compares a plain JSON hclog logger with the masked
// one, so the cost of never logging a secret is known.
func BenchmarkMaskedLogger(b *testing.B) {
	m := NewMasker()
	for i := range 20 {
		m.Add(fmt.Sprintf("secret-value-%02d-abcdefghijklmnop", i))
	}
	for name, l := range map[string]hclog.Logger{
		"plain":  hclog.New(&hclog.LoggerOptions{Output: io.Discard, JSONFormat: true}),
		"masked": NewLogger(&hclog.LoggerOptions{Output: io.Discard, JSONFormat: true}, m),
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				l.Info("fetched page", "integration", "clockify-main", "page", 3, "records", 500)
			}
		})
	}
}

// BenchmarkSealOpen measures one seal and one open of an API-key-sized
// value.
func BenchmarkSealOpen(b *testing.B) {
	box, err := NewBox(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	ad := Binding("integration", "clockify-main", "apiKey")
	value := []byte("ck-0123456789abcdef0123456789abcdef")
	for b.Loop() {
		s, err := box.Seal(value, ad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := box.Open(s, ad); err != nil {
			b.Fatal(err)
		}
	}
}
