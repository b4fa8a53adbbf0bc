package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/store"
)

// TestDocsKeepEverythingWhenMovedToRowIDs upgrades a store written before
// migration 0003 (documents in a WITHOUT ROWID table), with a document
// large enough to spill over many pages, and checks that every document
// reads back, lists in order, and is replaced and deleted as before.
func TestDocsKeepEverythingWhenMovedToRowIDs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	ms, err := store.LoadMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:2] {
		if _, err := old.Exec(m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := old.Exec(`INSERT INTO schema_version VALUES (?, ?, 0)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	large := `"` + strings.Repeat("x", 3<<20) + `"`
	for _, d := range [][3]string{
		{"extension-archive", "clockify", large},
		{"extension", "clockify", `"manifest"`},
		{"integration", "b", `"second"`},
		{"integration", "a", `"first"`},
	} {
		if _, err := old.Exec(`INSERT INTO docs (kind, id, body, updated_at) VALUES (?, ?, ?, 0)`, d[0], d[1], d[2]); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("Open upgrades the store: %v", err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != len(ms) {
		t.Fatalf("schema version %d (%v), want %d", v, err, len(ms))
	}
	var got string
	if err := s.Get(ctx, "extension-archive", "clockify", &got); err != nil || len(got) != 3<<20 {
		t.Fatalf("the large document reads back as %d bytes (%v)", len(got), err)
	}
	if err := s.Get(ctx, "extension", "clockify", &got); err != nil || got != "manifest" {
		t.Fatalf("extension = %q (%v)", got, err)
	}
	var ids []string
	err = s.List(ctx, "integration", func(id string, decode func(any) error) error {
		var v string
		if err := decode(&v); err != nil {
			return err
		}
		ids = append(ids, id+"="+v)
		return nil
	})
	if err != nil || strings.Join(ids, ",") != "a=first,b=second" {
		t.Fatalf("list = %v (%v)", ids, err)
	}
	// One document per kind and id still: a put replaces, a delete removes.
	if err := s.Put(ctx, "integration", "a", "replaced"); err != nil {
		t.Fatal(err)
	}
	if err := s.Get(ctx, "integration", "a", &got); err != nil || got != "replaced" {
		t.Fatalf("after put: %q (%v)", got, err)
	}
	if err := s.Delete(ctx, "extension-archive", "clockify"); err != nil {
		t.Fatal(err)
	}
	if err := s.Get(ctx, "extension-archive", "clockify", &got); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v, want not found", err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM docs WHERE kind = 'integration'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d integration rows (%v), want 2", n, err)
	}
}
