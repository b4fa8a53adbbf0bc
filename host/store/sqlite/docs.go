package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
)

var _ store.Docs = (*Store)(nil)

// Get implements store.Docs.
func (s *Store) Get(ctx context.Context, kind, id string, v any) error {
	var body []byte
	err := s.r.QueryRowContext(ctx, `SELECT body FROM docs WHERE kind = ? AND id = ?`, kind, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
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
	rows, err := s.r.QueryContext(ctx, `SELECT id, body FROM docs WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		return fmt.Errorf("list %s: %w", kind, err)
	}
	type doc struct {
		id   string
		body []byte
	}
	var docs []doc
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.id, &d.body); err != nil {
			rows.Close()
			return fmt.Errorf("list %s: %w", kind, err)
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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
