package ext

import (
	"crypto/ed25519"
	"fmt"
	"regexp"
)

var keyIDPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// SignatureStatus says how an extension's origin was established. It is
// recorded with the installation and shown in the installed list.
type SignatureStatus string

// The statuses an accepted extension can have.
const (
	// StatusVerified: signed by a key the admin trusts, and the signature
	// matches the manifest.
	StatusVerified SignatureStatus = "verified"
	// StatusUnsignedAllowed: no signature, accepted only because the admin
	// allowed unverified extensions from this publisher.
	StatusUnsignedAllowed SignatureStatus = "unsigned (publisher allowed)"
	// StatusUntrustedAllowed: signed by a key the host does not know,
	// accepted only because the admin allowed this publisher.
	StatusUntrustedAllowed SignatureStatus = "untrusted key (publisher allowed)"
)

// TrustPolicy is what a host trusts. The zero value trusts nothing, so an
// unconfigured host installs nothing.
type TrustPolicy struct {
	// Keys are the public keys the admin trusts, by KeyID.
	Keys map[string]ed25519.PublicKey
	// AllowedPublishers are publishers whose unsigned or untrusted
	// extensions the admin accepts anyway, e.g. during connector development.
	AllowedPublishers map[string]bool
}

// Verification is the outcome of TrustPolicy.Verify.
type Verification struct {
	// Status is how the extension was accepted.
	Status SignatureStatus
	// KeyID is the signing key, empty when unsigned.
	KeyID string
	// PublicKey is the signing key when the host trusts it, else nil.
	PublicKey ed25519.PublicKey
	// Signature is the parsed manifest.sig, nil when unsigned.
	Signature *Signature
}

// Verify decides whether a manifest may be believed. sig is the content of
// manifest.sig, or nil when the archive has none. A signature made with a
// trusted key that does not match is refused even for an allowed
// publisher: that is tampering, not a missing signature.
func (p TrustPolicy) Verify(manifest []byte, publisher string, sig []byte) (Verification, error) {
	if sig == nil {
		if p.AllowedPublishers[publisher] {
			return Verification{Status: StatusUnsignedAllowed}, nil
		}
		return Verification{}, fmt.Errorf("%w (publisher %q)", ErrUnsigned, publisher)
	}
	s, err := ParseSignature(sig)
	if err != nil {
		return Verification{}, err
	}
	pub, trusted := p.Keys[s.KeyID]
	if !trusted {
		if p.AllowedPublishers[publisher] {
			return Verification{Status: StatusUntrustedAllowed, KeyID: s.KeyID, Signature: s}, nil
		}
		return Verification{}, fmt.Errorf("%w (key %s, publisher %q)", ErrUntrustedKey, s.KeyID, publisher)
	}
	if !ed25519.Verify(pub, manifest, s.Value) {
		return Verification{}, fmt.Errorf("%w (key %s)", ErrBadSignature, s.KeyID)
	}
	return Verification{Status: StatusVerified, KeyID: s.KeyID, PublicKey: pub, Signature: s}, nil
}
