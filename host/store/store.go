// Package store is the host's persistence: configuration documents, runs,
// the audit log and the durable work queue.
//
// The interfaces here are deliberately narrow so that a PostgreSQL backend
// can be added later next to the embedded SQLite one; nothing outside this
// package may depend on SQLite.
package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned when a document does not exist.
var ErrNotFound = errors.New("not found")

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
