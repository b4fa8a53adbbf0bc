package secrets

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

const apiKey = `Zm9v-secret+key/with"quote`

func TestMaskerForms(t *testing.T) {
	m := NewMasker()
	if got := m.String("nothing " + apiKey); got != "nothing "+apiKey {
		t.Fatal("an empty masker changed text")
	}
	m.Add(apiKey, "ab", "")
	for name, in := range map[string]string{
		"plain":     "X-Api-Key: " + apiKey,
		"json":      fmt.Sprintf(`{"key":%q}`, apiKey),
		"query":     "https://x/?key=" + url.QueryEscape(apiKey),
		"path":      "https://x/" + url.PathEscape(apiKey),
		"base64":    "Basic " + base64.StdEncoding.EncodeToString([]byte(apiKey)),
		"twice":     apiKey + apiKey,
		"bytes api": apiKey,
	} {
		out := m.String(in)
		if strings.Contains(out, "secret") || !strings.Contains(out, Mask) {
			t.Errorf("%s: %q masked to %q", name, in, out)
		}
	}
	if got := string(m.Bytes([]byte("k=" + apiKey))); got != "k="+Mask {
		t.Errorf("Bytes = %q", got)
	}
	if got := m.String("ab cd"); got != "ab cd" {
		t.Errorf("a value shorter than MinMaskLen was masked: %q", got)
	}
	var nilMasker *Masker
	if nilMasker.String("x") != "x" {
		t.Error("a nil masker changed text")
	}
}

func TestMaskerLongestValueWins(t *testing.T) {
	m := NewMasker()
	m.Add("abcd", "abcdefgh")
	if got := m.String("abcdefgh"); got != Mask {
		t.Fatalf("got %q, want one mask for the longer secret", got)
	}
}

// TestMaskerWithFewAndManySecrets: masking finds each secret both when it
// first searches for the few registered forms and when there are too many
// of them for that and the replacer walks the text at once; a text with no
// secret comes back unchanged, as bytes and as a string.
func TestMaskerWithFewAndManySecrets(t *testing.T) {
	for _, n := range []int{1, 3, 40} {
		m := NewMasker()
		var keys []string
		for i := range n {
			keys = append(keys, fmt.Sprintf("key-%02d-0123456789abcdef", i))
		}
		m.Add(keys...)
		if many := len(m.forms) > scanLimit; many != (n == 40) {
			t.Fatalf("%d secrets: %d forms, the case meant to test is not the one tested", n, len(m.forms))
		}
		for _, k := range []string{keys[0], keys[n-1]} {
			in := `{"url":"https://x/?k=` + url.QueryEscape(k) + `","body":"` + base64.StdEncoding.EncodeToString([]byte(k)) + `"}`
			want := `{"url":"https://x/?k=` + Mask + `","body":"` + Mask + `"}`
			if got := m.String(in); got != want {
				t.Errorf("%d secrets: String = %q, want %q", n, got, want)
			}
			if got := string(m.Bytes([]byte(in))); got != want {
				t.Errorf("%d secrets: Bytes = %q, want %q", n, got, want)
			}
		}
		clean := []byte(`{"email":"ada@example.com","value":"key-99"}`)
		if got := m.Bytes(clean); !bytes.Equal(got, clean) {
			t.Errorf("%d secrets: a text without a secret became %q", n, got)
		}
		if got := m.String(string(clean)); got != string(clean) {
			t.Errorf("%d secrets: a string without a secret became %q", n, got)
		}
	}
}

type holder struct{ Key string }

func TestLoggersNeverPrintSecrets(t *testing.T) {
	m := NewMasker()
	m.Add(apiKey)
	for name, mk := range map[string]func(*bytes.Buffer, bool) hclog.Logger{
		"NewLogger": func(buf *bytes.Buffer, json bool) hclog.Logger {
			return NewLogger(&hclog.LoggerOptions{Output: buf, JSONFormat: json, Level: hclog.Trace}, m)
		},
		"WrapLogger": func(buf *bytes.Buffer, json bool) hclog.Logger {
			return WrapLogger(hclog.New(&hclog.LoggerOptions{Output: buf, JSONFormat: json, Level: hclog.Trace}), m)
		},
	} {
		for _, json := range []bool{false, true} {
			var buf bytes.Buffer
			l := mk(&buf, json)
			l.Info("using key "+apiKey, "key", apiKey, "err", errors.New("bad key "+apiKey), "h", holder{apiKey}, "n", 3)
			l.With("key", apiKey).Named("sub").Warn("w", "b", []byte(apiKey))
			l.StandardLogger(&hclog.StandardLoggerOptions{}).Printf("[INFO] std %s", apiKey)
			out := buf.String()
			if strings.Contains(out, "secret") {
				t.Errorf("%s json=%v leaked the secret:\n%s", name, json, out)
			}
			if !strings.Contains(out, Mask) || !strings.Contains(out, "using key") {
				t.Errorf("%s json=%v: expected masked lines, got:\n%s", name, json, out)
			}
		}
	}
}

func TestMaskingWriterSeesSecretsAddedLater(t *testing.T) {
	m := NewMasker()
	var buf bytes.Buffer
	w := MaskingWriter(&buf, m)
	m.Add(apiKey)
	n, err := w.Write([]byte(apiKey))
	if err != nil || n != len(apiKey) || buf.String() != Mask {
		t.Fatalf("Write = %d, %v, wrote %q", n, err, buf.String())
	}
}
