package sdk

import (
	"bytes"
	"net/http"
	"net/url"
	"sort"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
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

// cut returns b masked, or when limit is positive and b longer, only its
// first limit bytes masked, cut where no secret is split, with b's full
// length; full is 0 when the body is sent whole. The host keeps only the
// start of each body in its exchange record, and copying, masking and
// sending the rest of a large answer cost the connector more than the call
// itself. See decision 0277.
func (m *masker) cut(b []byte, limit int) (kept []byte, full int64) {
	if limit <= 0 || len(b) <= limit {
		return m.bytes(append([]byte(nil), b...)), 0
	}
	n := wire.BodyCut(b, limit, true, m.secrets)
	return m.bytes(append([]byte(nil), b[:n]...)), int64(len(b))
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
