package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/idbridge/idbridge/host/store"
)

var _ store.Docs = (*Store)(nil)

// Get implements store.Docs.
func (s *Store) Get(ctx context.Context, kind, id string, v any) error {
	var body []byte
	err := s.pool.QueryRow(ctx, `SELECT body FROM docs WHERE kind = $1 AND id = $2`, kind, id).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", kind, id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read %s %q: %w", kind, id, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode %s %q: %w", kind, id, err)
	}
	return nil
}

// Put implements store.Docs.
func (s *Store) Put(ctx context.Context, kind, id string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %q: %w", kind, id, err)
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
	type doc struct {
		id   string
		body []byte
	}
	rows, err := s.pool.Query(ctx, `SELECT id, body FROM docs WHERE kind = $1 ORDER BY id COLLATE "C"`, kind)
	if err != nil {
		return fmt.Errorf("list %s: %w", kind, err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (doc, error) {
		var d doc
		return d, r.Scan(&d.id, &d.body)
	})
	if err != nil {
		return fmt.Errorf("list %s: %w", kind, err)
	}
	for _, d := range docs {
		err := fn(d.id, func(v any) error {
			if err := json.Unmarshal(d.body, v); err != nil {
				return fmt.Errorf("decode %s %q: %w", kind, d.id, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
