package secrets

import "github.com/idbridge/idbridge/sdk/wire"

// Cut returns at most the first n bytes of b, masked, cut where no known
// secret is split: masking a cut body must not leave a secret's first
// characters behind. whole says whether b is the whole body or only its
// first bytes (a connector that honours max_body_bytes sends only those);
// in the latter case a tail of b that could start a secret is dropped too.
// See decision 0277.
func (m *Masker) Cut(b []byte, n int, whole bool) []byte {
	if m == nil {
		return b[:max(0, min(n, len(b)))]
	}
	m.mu.RLock()
	forms := m.forms
	m.mu.RUnlock()
	return m.Bytes(b[:wire.BodyCut(b, n, whole, forms)])
}
