package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of a master key: AES-256.
const KeySize = 32

// prefix starts every sealed value; the version lets the format change.
const prefix = "sealed:v1:"

// Errors of Open. Their text says what to do.
var (
	// ErrWrongKey means the value was sealed under another master key.
	ErrWrongKey = errors.New("the value was sealed with a different master key: start the host with the master key it was created with (master.key in the data folder, or IDBRIDGE_MASTER_KEY)")
	// ErrTampered means the ciphertext or its binding does not verify: it
	// was changed, or copied from another place.
	ErrTampered = errors.New("the sealed value does not verify: it was altered or belongs to another setting; set it again")
	// ErrNotSealed means the text is not a sealed value at all.
	ErrNotSealed = errors.New("not a sealed value")
)

// Box seals and opens values under the master key. It is safe for
// concurrent use.
type Box struct {
	primary string
	keys    map[string]cipher.AEAD
}

// NewBox returns a Box that seals with key and opens values sealed with key
// or any of the older keys, which is how a rotation keeps old values
// readable until they are sealed again.
func NewBox(key []byte, older ...[]byte) (*Box, error) {
	b := &Box{keys: map[string]cipher.AEAD{}}
	for i, k := range append([][]byte{key}, older...) {
		if len(k) != KeySize {
			return nil, fmt.Errorf("master key has %d bytes; it must be %d random bytes", len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(k)
		if i == 0 {
			b.primary = id
		}
		b.keys[id] = aead
	}
	return b, nil
}

// KeyID names a key without revealing it: a prefix of a domain-separated
// SHA-256 of the key.
func KeyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("idbridge master key id\x00"), key...))
	return hex.EncodeToString(sum[:6])
}

// KeyID returns the id of the key new values are sealed with.
func (b *Box) KeyID() string { return b.primary }

// Binding builds associated data from parts, length-prefixed so that no
// two different lists of parts give the same bytes.
func Binding(parts ...string) []byte {
	var out []byte
	for _, p := range parts {
		out = binary.AppendUvarint(out, uint64(len(p)))
		out = append(out, p...)
	}
	return out
}

// Seal encrypts plaintext bound to ad and returns printable text of the form
// "sealed:v1:<key id>:<base64>" that is safe to store.
func (b *Box) Seal(plaintext, ad []byte) (string, error) {
	aead := b.keys[b.primary]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, b.bind(b.primary, ad))
	return prefix + b.primary + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same ad. It fails with
// ErrWrongKey, ErrTampered or ErrNotSealed.
func (b *Box) Open(sealed string, ad []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, ErrNotSealed
	}
	id, data, ok := strings.Cut(rest, ":")
	if !ok {
		return nil, ErrNotSealed
	}
	aead, ok := b.keys[id]
	if !ok {
		return nil, fmt.Errorf("sealed with key %s, this host has key %s: %w", id, b.primary, ErrWrongKey)
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrTampered
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], b.bind(id, ad))
	if err != nil {
		return nil, ErrTampered
	}
	return plain, nil
}

// bind adds the key id to the caller's associated data, so the id in the
// text cannot be edited to point at another key.
func (b *Box) bind(id string, ad []byte) []byte {
	return append(Binding(prefix, id), ad...)
}

// IsSealed reports whether s looks like a value made by Seal.
func IsSealed(s string) bool { return strings.HasPrefix(s, prefix) }

// SealedKeyID returns the id of the key a sealed value names, without
// opening it, so a rotation can tell values already under the new key
// from those it must re-seal, and a report can say which key is missing.
func SealedKeyID(sealed string) (string, bool) {
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	return id, ok && id != ""
}
