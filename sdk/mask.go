package sdk

import (
	"bytes"
	"net/http"
	"net/url"
	"sort"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Mask is what every secret becomes in a reported exchange.
const Mask = "****"

// masker replaces secret values wherever they appear: in URLs, headers and
// bodies, in clear and in their URL-encoded forms.
type masker struct {
	secrets     []string // longest first, so that a secret containing another is masked whole
	authHeaders map[string]bool
}

// minSecretLen avoids masking every "1" in a body because a secret setting
// happens to be "1".
const minSecretLen = 4

func newMasker(decl []Setting, s Settings, auth Auth, h http.Header) *masker {
	m := &masker{authHeaders: map[string]bool{}}
	seen := map[string]bool{}
	add := func(v string) {
		for _, f := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			if len(f) >= minSecretLen && !seen[f] {
				seen[f] = true
				m.secrets = append(m.secrets, f)
			}
		}
	}
	for _, d := range decl {
		if d.Secret {
			add(s.Get(d.Key))
		}
	}
	if auth != nil {
		for _, k := range auth.SecretSettings() {
			add(s.Get(k))
		}
		for _, name := range auth.Headers() {
			m.authHeaders[http.CanonicalHeaderKey(name)] = true
			if h != nil {
				add(h.Get(name))
			}
		}
	}
	sort.Slice(m.secrets, func(i, j int) bool { return len(m.secrets[i]) > len(m.secrets[j]) })
	return m
}

func (m *masker) str(v string) string {
	for _, s := range m.secrets {
		if strings.Contains(v, s) {
			v = strings.ReplaceAll(v, s, Mask)
		}
	}
	return v
}

func (m *masker) bytes(v []byte) []byte {
	for _, s := range m.secrets {
		if bytes.Contains(v, []byte(s)) {
			v = bytes.ReplaceAll(v, []byte(s), []byte(Mask))
		}
	}
	return v
}

// headers converts h to key-values, sorted for stable output, with auth
// headers masked whole and secrets masked inside the others.
func (m *masker) headers(h http.Header) []*connectorv1.KeyValue {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []*connectorv1.KeyValue
	for _, k := range names {
		for _, v := range h[k] {
			if m.authHeaders[http.CanonicalHeaderKey(k)] {
				v = Mask
			} else {
				v = m.str(v)
			}
			out = append(out, &connectorv1.KeyValue{Name: k, Value: v})
		}
	}
	return out
}
