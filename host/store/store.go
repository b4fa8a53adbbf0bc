package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned when a document does not exist.
var ErrNotFound = errors.New("not found")

// ErrLeaseLost is returned when a worker reports on a queued action whose
// lease it no longer holds: the lease expired and another worker may have
// claimed the action. The worker must drop the action without recording a
// result, because the new holder now owns it.
var ErrLeaseLost = errors.New("lease lost: the action's lease expired and another worker may own it; drop it")

// ErrConflict is returned when a write loses a race with another writer, for
// example a compare-and-swap on a document revision.
var ErrConflict = errors.New("conflict: the object was changed by someone else; reload and try again")

// Docs stores configuration objects as JSON documents, by kind and id.
// Each host package owns its kinds (e.g. "extension", "integration",
// "datasource"), so packages evolve their shapes without schema changes.
type Docs interface {
	// Get decodes the document into v, or returns ErrNotFound.
	Get(ctx context.Context, kind, id string, v any) error
	// Put creates or replaces the document.
	Put(ctx context.Context, kind, id string, v any) error
	// Delete removes the document; deleting a missing one is not an error.
	Delete(ctx context.Context, kind, id string) error
	// List calls fn for every document of kind, ordered by id; decode fills
	// a value of the caller's type. Returning an error from fn stops the walk
	// and is returned.
	List(ctx context.Context, kind string, fn func(id string, decode func(v any) error) error) error
}
