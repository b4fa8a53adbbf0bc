package secrets

import (
	"context"
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
)

// ErrForeignMasterKey means this host's master key is not the one the
// shared store's secrets are sealed with: it could open none of them, and
// what it sealed no other host could open.
var ErrForeignMasterKey = errors.New("this host's master key differs from the one the shared store's secrets are sealed with: " +
	"copy master.key from the data folder of a host already on this store (or set the same IDBRIDGE_MASTER_KEY), then start again")

// masterKeyDoc records in a shared store the id of the master key its
// secrets are sealed with; the id names the key without revealing it.
type masterKeyDoc struct {
	KeyID string `json:"key_id"`
}

// The document that records a shared store's key id.
const (
	keyDocKind = "host"
	keyDocID   = "master-key"
)

// CheckSharedKey makes sure every host of a shared store seals with one
// key: the first host (or `idbridge store copy`) records its key's id, and
// a later one with another key gets ErrForeignMasterKey before it writes
// anything. See decision 0232.
func CheckSharedKey(ctx context.Context, docs store.Docs, keyID string) error {
	recorded, ok, err := RecordedKeyID(ctx, docs)
	switch {
	case err != nil:
		return err
	case !ok:
		return docs.Put(ctx, keyDocKind, keyDocID, masterKeyDoc{KeyID: keyID})
	case recorded != keyID:
		return fmt.Errorf("key id %s here, %s in the store: %w", keyID, recorded, ErrForeignMasterKey)
	}
	return nil
}

// RecordedKeyID returns the id of the master key a shared store's secrets
// are sealed with; ok is false when no host has recorded one yet, so a
// tool can tell a store of this install from a foreign one.
func RecordedKeyID(ctx context.Context, docs store.Docs) (keyID string, ok bool, err error) {
	var doc masterKeyDoc
	err = docs.Get(ctx, keyDocKind, keyDocID, &doc)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read the shared store's master key id: %w", err)
	}
	return doc.KeyID, true, nil
}
