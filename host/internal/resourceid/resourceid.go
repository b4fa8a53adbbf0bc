// Package resourceid is the shape of the ids the host gives the things an
// admin configures: integrations, inbound endpoints, data sources and
// automations. The ids appear in URLs, document ids and idempotency keys,
// so every kind keeps to the same alphabet and length, and an id the host
// derives from a display name is one the same check accepts.
package resourceid

import (
	"regexp"
	"strings"
)

// MaxLen is the longest id.
const MaxLen = 63

// pattern is 1 to MaxLen lower-case letters, digits and dashes, starting
// with a letter or digit.
var pattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Valid reports whether id may name a resource.
func Valid(id string) bool { return pattern.MatchString(id) }

// FromName derives an id from a display name: its letters and digits in
// lower case, one dash wherever anything else separates them ("HR: new
// joiners" gives "hr-new-joiners"), cut to at most max characters with no
// dash at the end. It is "" for a name without a letter or digit; max 0
// leaves the length alone, so that Valid decides.
func FromName(name string, max int) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if gap && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			gap = false
		default:
			gap = true
		}
	}
	id := b.String()
	if max > 0 && len(id) > max {
		id = strings.TrimRight(id[:max], "-")
	}
	return id
}
