package ext

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
)

// SignatureAlgorithm is the only algorithm the format knows. It is written
// into every signature so a future one can be added without guessing.
const SignatureAlgorithm = "ed25519"

// maxSignatureBytes bounds manifest.sig; a real one is about 150 bytes,
// plus about 200 per key rotation.
const maxSignatureBytes = 4096

// Signature is the content of manifest.sig: a detached signature of the
// exact bytes of manifest.json.
type Signature struct {
	// Algorithm is always "ed25519".
	Algorithm string `json:"algorithm"`
	// KeyID names the signing key (see KeyID).
	KeyID string `json:"key_id"`
	// Value is the 64-byte signature, base64 in JSON.
	Value []byte `json:"signature"`
	// Rotations, when the publisher changed signing keys, lead from an
	// earlier key to KeyID: each endorses the next key and is signed by
	// the one before. Hosts that pinned an earlier key accept an upgrade
	// signed by KeyID only through this chain. They are not covered by
	// Value and need not be: each link carries its own signature.
	Rotations []KeyRotation `json:"rotations,omitempty"`
}

// KeyRotation is a statement by one signing key that another succeeds it.
// See decision 0180.
type KeyRotation struct {
	// PublicKey is the new key, 32 raw bytes (base64 in JSON).
	PublicKey []byte `json:"public_key"`
	// SignedBy is the key id of the key that makes the statement.
	SignedBy string `json:"signed_by"`
	// Signature is SignedBy's ed25519 signature of rotationMessage(PublicKey).
	Signature []byte `json:"signature"`
}

// maxRotations bounds the chain carried in manifest.sig.
const maxRotations = 8

// rotationMessage is what a rotation signs: a fixed context string, so the
// signature can never be taken for a manifest signature, and the new key.
func rotationMessage(next ed25519.PublicKey) []byte {
	return append([]byte("idbridge extension signing key rotation v1\x00"), next...)
}

// EndorseKey is the statement by prev that next succeeds it. The
// publisher makes it once, when it changes keys, and ships it in every
// manifest.sig signed with next (`idbridge ext sign --previous-key`).
func EndorseKey(prev ed25519.PrivateKey, next ed25519.PublicKey) KeyRotation {
	return KeyRotation{
		PublicKey: append([]byte(nil), next...),
		SignedBy:  KeyID(prev.Public().(ed25519.PublicKey)),
		Signature: ed25519.Sign(prev, rotationMessage(next)),
	}
}

// Succeeds reports whether the signature's key is pinned itself or is
// reached from pinned through the rotation chain, each link signed by the
// key before it.
func (s *Signature) Succeeds(pinned ed25519.PublicKey) bool {
	current := pinned
	if KeyID(current) == s.KeyID {
		return true
	}
	for _, r := range s.Rotations {
		if r.SignedBy != KeyID(current) || len(r.PublicKey) != ed25519.PublicKeySize {
			continue
		}
		if !ed25519.Verify(current, rotationMessage(r.PublicKey), r.Signature) {
			continue
		}
		current = ed25519.PublicKey(r.PublicKey)
		if KeyID(current) == s.KeyID {
			return true
		}
	}
	return false
}

// SignManifest signs the exact manifest bytes with priv.
func SignManifest(manifest []byte, priv ed25519.PrivateKey) Signature {
	return Signature{
		Algorithm: SignatureAlgorithm,
		KeyID:     KeyID(priv.Public().(ed25519.PublicKey)),
		Value:     ed25519.Sign(priv, manifest),
	}
}

// Marshal encodes the signature file.
func (s Signature) Marshal() []byte {
	b, _ := json.MarshalIndent(s, "", "  ") // cannot fail: plain strings and bytes
	return append(b, '\n')
}

// ParseSignature decodes manifest.sig.
func ParseSignature(data []byte) (*Signature, error) {
	if len(data) > maxSignatureBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrInvalidSignatureFile, len(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Signature
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSignatureFile, err)
	}
	switch {
	case s.Algorithm != SignatureAlgorithm:
		return nil, fmt.Errorf("%w: algorithm %q, expected %q", ErrInvalidSignatureFile, s.Algorithm, SignatureAlgorithm)
	case !keyIDPattern.MatchString(s.KeyID):
		return nil, fmt.Errorf("%w: key_id %q is not 16 hex digits", ErrInvalidSignatureFile, s.KeyID)
	case len(s.Value) != ed25519.SignatureSize:
		return nil, fmt.Errorf("%w: signature is %d bytes, expected %d", ErrInvalidSignatureFile, len(s.Value), ed25519.SignatureSize)
	case len(s.Rotations) > maxRotations:
		return nil, fmt.Errorf("%w: %d key rotations, limit %d", ErrInvalidSignatureFile, len(s.Rotations), maxRotations)
	}
	for i, r := range s.Rotations {
		if len(r.PublicKey) != ed25519.PublicKeySize || len(r.Signature) != ed25519.SignatureSize || !keyIDPattern.MatchString(r.SignedBy) {
			return nil, fmt.Errorf("%w: rotations[%d] is not a 32-byte key, a 16-hex-digit signer and a 64-byte signature", ErrInvalidSignatureFile, i)
		}
	}
	return &s, nil
}
