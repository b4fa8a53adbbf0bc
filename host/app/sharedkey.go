package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
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

// checkSharedKey makes sure every host of a shared store seals with one
// key. The first host records its key's id; a later host with another key
// is refused before it writes anything. A SQLite store is never shared:
// its key sits beside it in the data folder. See decision 0232.
func checkSharedKey(ctx context.Context, st store.Backend, box *secrets.Box) error {
	if _, ok := st.(*sqlite.Store); ok {
		return nil
	}
	var doc masterKeyDoc
	err := st.Get(ctx, "host", "master-key", &doc)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return st.Put(ctx, "host", "master-key", masterKeyDoc{KeyID: box.KeyID()})
	case err != nil:
		return fmt.Errorf("read the shared store's master key id: %w", err)
	case doc.KeyID != box.KeyID():
		return fmt.Errorf("key id %s here, %s in the store: %w", box.KeyID(), doc.KeyID, ErrForeignMasterKey)
	}
	return nil
}
