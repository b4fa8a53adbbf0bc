package sqlite

import (
	"context"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/storesql"
)

var _ store.Docs = (*Store)(nil)

// Get implements store.Docs.
func (s *Store) Get(ctx context.Context, kind, id string, v any) error {
	return s.reads().GetDoc(ctx, kind, id, v)
}

// Put implements store.Docs.
func (s *Store) Put(ctx context.Context, kind, id string, v any) error {
	body, err := storesql.Encode(kind, id, v)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx wtx) error {
		return putDoc(ctx, tx, kind, id, body, millis(s.now()))
	})
}

// putDoc creates or replaces a document inside a write.
func putDoc(ctx context.Context, tx wtx, kind, id string, body []byte, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO docs (kind, id, body, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
		kind, id, string(body), now)
	if err != nil {
		return fmt.Errorf("write %s %q: %w", kind, id, err)
	}
	return nil
}

// Delete implements store.Docs.
func (s *Store) Delete(ctx context.Context, kind, id string) error {
	return s.write(ctx, func(ctx context.Context, tx wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM docs WHERE kind = ? AND id = ?`, kind, id); err != nil {
			return fmt.Errorf("delete %s %q: %w", kind, id, err)
		}
		return nil
	})
}

// List implements store.Docs. It reads the documents first and calls fn
// afterwards, so fn may itself read or write the store.
func (s *Store) List(ctx context.Context, kind string, fn func(id string, decode func(v any) error) error) error {
	return s.reads().ListDocs(ctx, kind, fn)
}
