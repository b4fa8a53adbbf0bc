package secrets

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrUnknownKey means a value names a master key that is neither the
// current one nor the new one, so a rotation cannot open it. The value is
// left exactly as it was.
var ErrUnknownKey = errors.New("sealed with a master key that is neither the current nor the new one; " +
	"left unchanged: enter this secret again, or rotate from the key it was sealed with")

// Outcome is what a rotation did with one sealed value.
type Outcome int

// The outcomes of Rotator.Reseal.
const (
	// Resealed means the value opened with the current key and is now
	// sealed with the new key.
	Resealed Outcome = iota + 1
	// AlreadyCurrent means the value was already sealed with the new key
	// (an earlier, interrupted run got to it) and was left alone.
	AlreadyCurrent
	// Failed means the value opened with neither key; it is left alone.
	Failed
)

// String names the outcome for reports.
func (o Outcome) String() string {
	switch o {
	case Resealed:
		return "resealed"
	case AlreadyCurrent:
		return "already current"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Rotator moves sealed values from the current master key to a new one.
// It holds two separate Boxes rather than one Box with an older key, so
// that what it writes is sealed with, and checked against, the new key
// alone. It is safe for concurrent use.
type Rotator struct {
	current *Box
	next    *Box
	masker  *Masker
}

// NewRotator returns a Rotator from the current key to the new key. Every
// plaintext it opens is registered with m, so whatever prints or logs near
// a rotation masks it; nil m makes a private Masker.
func NewRotator(current, next []byte, m *Masker) (*Rotator, error) {
	cur, err := NewBox(current)
	if err != nil {
		return nil, fmt.Errorf("current master key: %w", err)
	}
	nxt, err := NewBox(next)
	if err != nil {
		return nil, fmt.Errorf("new master key: %w", err)
	}
	if m == nil {
		m = NewMasker()
	}
	return &Rotator{current: cur, next: nxt, masker: m}, nil
}

// CurrentKeyID is the id of the key values are moved from.
func (r *Rotator) CurrentKeyID() string { return r.current.KeyID() }

// NewKeyID is the id of the key values are moved to.
func (r *Rotator) NewKeyID() string { return r.next.KeyID() }

// Reseal returns sealed moved to the new key, bound to the same ad. A
// value already under the new key is verified and returned unchanged, so
// running a rotation again after an interruption finishes it. A value that
// opens with neither key comes back unchanged with Failed and an error
// (ErrUnknownKey, ErrTampered or ErrNotSealed) that never holds the value.
func (r *Rotator) Reseal(sealed string, ad []byte) (string, Outcome, error) {
	id, ok := SealedKeyID(sealed)
	if !ok {
		return sealed, Failed, ErrNotSealed
	}
	if id == r.next.KeyID() {
		plain, err := r.next.Open(sealed, ad)
		if err != nil {
			return sealed, Failed, err
		}
		r.forget(plain)
		return sealed, AlreadyCurrent, nil
	}
	plain, err := r.current.Open(sealed, ad)
	if errors.Is(err, ErrWrongKey) {
		return sealed, Failed, fmt.Errorf("key %s (current %s, new %s): %w", id, r.current.KeyID(), r.next.KeyID(), ErrUnknownKey)
	}
	if err != nil {
		return sealed, Failed, err
	}
	defer r.forget(plain)
	out, err := r.next.Seal(plain, ad)
	if err != nil {
		return sealed, Failed, err
	}
	// Check the new text before anyone stores it: a rotation must never
	// replace a readable value with an unreadable one.
	back, err := r.next.Open(out, ad)
	if err != nil || !bytes.Equal(back, plain) {
		return sealed, Failed, fmt.Errorf("the value re-sealed with key %s does not open to the same value; left unchanged", r.next.KeyID())
	}
	clear(back)
	return out, Resealed, nil
}

// forget registers plain with the masker and wipes the buffer, so the
// plaintext lives no longer than the call.
func (r *Rotator) forget(plain []byte) {
	r.masker.Add(string(plain))
	clear(plain)
}
