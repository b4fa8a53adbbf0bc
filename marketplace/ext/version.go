package ext

import (
	"fmt"
	"regexp"

	"github.com/Masterminds/semver/v3"
)

// MaxIDLength bounds extension ids and publishers; the id becomes a
// folder name on every host.
const MaxIDLength = 64

// MaxVersionLength bounds versions. A version becomes part of a folder
// name ("<version>-<8 hex>"), which must stay well under the 255 bytes
// file systems allow; real versions are a dozen characters.
const MaxVersionLength = 64

// maxVersionDigits bounds each of major, minor and patch, so that no
// number overflows when compared.
const maxVersionDigits = 9

var versionCore = regexp.MustCompile(`^([0-9]+)\.([0-9]+)\.([0-9]+)`)

// CheckVersion accepts a strict semantic version ("1.2.3", "1.2.3-rc.1")
// of at most MaxVersionLength bytes whose numbers have at most nine
// digits, and says what is wrong otherwise in words an admin can act on.
func CheckVersion(v string) error {
	if len(v) > MaxVersionLength {
		return fmt.Errorf("%q is longer than %d characters; versions look like 1.2.3", clip(v), MaxVersionLength)
	}
	if m := versionCore.FindStringSubmatch(v); m != nil {
		for _, part := range m[1:] {
			if len(part) > maxVersionDigits {
				return fmt.Errorf("%q has a number longer than %d digits; versions look like 1.2.3", clip(v), maxVersionDigits)
			}
		}
	}
	if _, err := semver.StrictNewVersion(v); err != nil {
		return fmt.Errorf("%q is not a semantic version like 1.2.3 or 1.2.3-rc.1", clip(v))
	}
	return nil
}

// clip shortens a value quoted in a message, so a hostile 10 KB field
// does not become a 10 KB error.
func clip(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
