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

// maxSignatureBytes bounds manifest.sig; a real one is about 150 bytes.
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
	}
	return &s, nil
}
