package extensions

import "fmt"

// checkPin enforces the pin an installed extension carries: its first
// install fixed its publisher and signing key, and a release replacing it
// must come from the same publisher and be signed by the same key, or by
// a key the pinned key endorsed (a key rotation carried in manifest.sig).
// Trusting a key or allowing a publisher decides what may be installed at
// all; the pin decides who may replace what is installed, so an allowance
// for one publisher never lets it replace another's extension. The pin is
// removed on purpose by uninstalling. See decision 0180.
func checkPin(old *Record, st *staged) error {
	man, v := st.man, st.v
	remove := fmt.Sprintf("if the change is intended, remove the pin with `idbridge ext uninstall %s` (integrations keep their configuration) and install the new archive", old.ID)
	if man.Publisher != old.Publisher {
		return fmt.Errorf("%w: %s is pinned to publisher %q and this archive is from publisher %q; %s",
			ErrPublisherChanged, old.ID, old.Publisher, man.Publisher, remove)
	}
	if v.KeyID == old.KeyID {
		return nil
	}
	pinned := "unsigned releases"
	if old.KeyID != "" {
		pinned = "key " + old.KeyID
	}
	signed := "is unsigned"
	if v.KeyID != "" {
		signed = "is signed by key " + v.KeyID
	}
	if old.KeyID != "" && v.Signature != nil && len(old.SignerKey) > 0 && v.Signature.Succeeds(old.SignerKey) {
		return nil
	}
	return fmt.Errorf("%w: %s from publisher %q is pinned to %s and this archive %s, with no key rotation signed by the pinned key; %s",
		ErrSignerChanged, old.ID, old.Publisher, pinned, signed, remove)
}
