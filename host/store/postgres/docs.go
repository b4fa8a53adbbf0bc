package postgres

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
	return putDoc(ctx, s.pool, kind, id, body, millis(s.now()))
}

// putDoc creates or replaces a document on the pool or in a transaction.
func putDoc(ctx context.Context, db querier, kind, id string, body []byte, now int64) error {
	_, err := db.Exec(ctx, `INSERT INTO docs (kind, id, body, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
		kind, id, string(body), now)
	if err != nil {
		return fmt.Errorf("write %s %q: %w", kind, id, err)
	}
	return nil
}

// Delete implements store.Docs.
func (s *Store) Delete(ctx context.Context, kind, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM docs WHERE kind = $1 AND id = $2`, kind, id); err != nil {
		return fmt.Errorf("delete %s %q: %w", kind, id, err)
	}
	return nil
}

// List implements store.Docs. It reads the documents first and calls fn
// afterwards, so fn may itself read or write the store.
func (s *Store) List(ctx context.Context, kind string, fn func(id string, decode func(v any) error) error) error {
	return s.reads().ListDocs(ctx, kind, fn)
}
