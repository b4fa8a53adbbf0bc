package storesql

import (
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
)

// Dialect is what a backend's driver does differently from the other's in
// the places this package shares.
type Dialect struct {
	// Numbered says placeholders are numbered ($1, $2, ...), as PostgreSQL
	// wants, rather than written ?.
	Numbered bool
	// NoRows is the error the driver returns when a query for one row
	// finds none.
	NoRows error
	// ByteOrder follows ORDER BY on a text column so that it sorts by
	// bytes, as the store's listings promise; "" where that is the
	// database's default.
	ByteOrder string
	// StartsWith adds to w the condition that column starts with prefix.
	StartsWith func(w *Where, column, prefix string)
}

// Where starts a WHERE clause written in the dialect's placeholders.
func (d Dialect) Where() *Where { return &Where{numbered: d.Numbered} }

// Found turns the error of reading one row of what (e.g. `run "r1"`) into
// the store's: nil stays nil, no row is store.ErrNotFound, anything else a
// failed read.
func (d Dialect) Found(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, d.NoRows):
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("read %s: %w", what, err)
}

// NotHeld explains why a report op on action id matched no held action,
// from a read of the action's state that returned state and err: the
// action does not exist (store.ErrNotFound), or someone else holds it now
// or it finished (store.ErrLeaseLost).
func (d Dialect) NotHeld(op string, id int64, state string, err error) error {
	switch {
	case errors.Is(err, d.NoRows):
		return fmt.Errorf("%s action %d: %w", op, id, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("%s action %d: %w", op, id, err)
	}
	return fmt.Errorf("%s action %d (now %s): %w", op, id, state, store.ErrLeaseLost)
}

// NotRequeued explains why Requeue matched no dead action id, from a read
// of the action's state that returned state and err: it does not exist,
// or it is not dead.
func (d Dialect) NotRequeued(id int64, state string, err error) error {
	if errors.Is(err, d.NoRows) {
		return fmt.Errorf("requeue action %d: %w", id, store.ErrNotFound)
	}
	return fmt.Errorf("requeue action %d: it is %s; only dead actions can be retried: %w", id, state, store.ErrConflict)
}
