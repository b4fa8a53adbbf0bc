package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret value wherever it is shown.
const Mask = "****"

// MinMaskLen is the shortest value a Masker masks. Shorter values cannot be
// real credentials, and masking every "1" or "on" would make logs useless.
const MinMaskLen = 4

// Masker replaces known secret values with Mask. Register every secret when
// it is loaded or set; masking is then applied to logs, exchanges and run
// records. It is safe for concurrent use.
type Masker struct {
	mu       sync.RWMutex
	values   map[string]struct{}
	replacer *strings.Replacer
	forms    []string // every registered form, longest first
	rawForms [][]byte // forms as bytes, for searching bytes without a copy
}

// NewMasker returns a Masker that knows no secrets yet.
func NewMasker() *Masker {
	return &Masker{values: map[string]struct{}{}}
}

// Add registers secret values. Besides the value itself it registers the
// forms it takes inside JSON strings, URLs and base64, because that is how
// secrets appear in request dumps.
func (m *Masker) Add(values ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	changed := false
	for _, v := range values {
		if len([]rune(v)) < MinMaskLen {
			continue
		}
		quoted, _ := json.Marshal(v) // a string always encodes
		for _, form := range []string{v, string(quoted[1 : len(quoted)-1]), url.QueryEscape(v), url.PathEscape(v),
			base64.StdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v))} {
			if _, ok := m.values[form]; !ok {
				m.values[form] = struct{}{}
				changed = true
			}
		}
	}
	if changed {
		m.rebuild()
	}
}

// rebuild makes the replacer, longest value first so that a secret that
// contains another is masked whole.
func (m *Masker) rebuild() {
	vs := make([]string, 0, len(m.values))
	for v := range m.values {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool {
		if len(vs[i]) != len(vs[j]) {
			return len(vs[i]) > len(vs[j])
		}
		return vs[i] < vs[j]
	})
	pairs := make([]string, 0, 2*len(vs))
	for _, v := range vs {
		pairs = append(pairs, v, Mask)
	}
	m.replacer = strings.NewReplacer(pairs...)
	m.forms = vs
	m.rawForms = make([][]byte, len(vs))
	for i, v := range vs {
		m.rawForms[i] = []byte(v)
	}
}

// scanLimit is the most registered forms for which masking first looks
// for each of them with strings.Contains. That search runs in vector
// instructions while the replacer walks every byte through its trie, and
// most texts (an exchange, a run entry) hold no secret at all, so the
// search turns the common case from a copy of the text into no work. With
// many forms the one pass of the replacer is the cheaper of the two. See
// decision 0278.
const scanLimit = 48

// replacerFor returns the replacer if the text may hold a registered form,
// or nil when it holds none and is shown as it is. holds reports whether
// the text holds a form, given as a string and as bytes so that neither
// kind of text is copied to be searched.
func (m *Masker) replacerFor(holds func(form string, raw []byte) bool) *strings.Replacer {
	m.mu.RLock()
	r, forms, raw := m.replacer, m.forms, m.rawForms
	m.mu.RUnlock()
	if r == nil || len(forms) > scanLimit {
		return r
	}
	for i, f := range forms {
		if holds(f, raw[i]) {
			return r
		}
	}
	return nil
}

// String returns s with every known secret replaced by Mask.
func (m *Masker) String(s string) string {
	if m == nil {
		return s
	}
	if r := m.replacerFor(func(f string, _ []byte) bool { return strings.Contains(s, f) }); r != nil {
		return r.Replace(s)
	}
	return s
}

// Bytes returns b with every known secret replaced by Mask. b is not
// modified; when it holds no secret it is returned as it is, so a caller
// that changes the result later must copy it first.
func (m *Masker) Bytes(b []byte) []byte {
	if m == nil {
		return b
	}
	if r := m.replacerFor(func(_ string, f []byte) bool { return bytes.Contains(b, f) }); r != nil {
		return []byte(r.Replace(string(b)))
	}
	return b
}
