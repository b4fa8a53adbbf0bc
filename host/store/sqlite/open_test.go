package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/storetest"
)

func openTest(t *testing.T, opts Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// TestConformance runs the store suite against SQLite. Synchronous NORMAL
// keeps it quick; durability is not what the suite checks.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Backend {
		s, _ := openTest(t, Options{Now: now, Synchronous: "NORMAL"})
		return s
	})
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t, Options{})
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := store.LoadMigrations(migrationFS)
	if v != len(ms) || v == 0 {
		t.Fatalf("schema version = %d, want %d", v, len(ms))
	}
	if err := s.Put(ctx, "thing", "a", map[string]string{"x": "1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	var got map[string]string
	if err := s2.Get(ctx, "thing", "a", &got); err != nil || got["x"] != "1" {
		t.Fatalf("after reopen Get = %v, %v", got, err)
	}
	var journal string
	if err := s2.r.QueryRow(`PRAGMA journal_mode`).Scan(&journal); err != nil || journal != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", journal, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t, Options{})
	if _, err := s.w.Exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(ctx, path, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer database: err = %v, want ErrSchemaTooNew", err)
	}
}

func TestMigrationsMustBeNumberedWithoutGaps(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":     {"migrations/0001_a.sql": {Data: []byte("SELECT 1")}, "migrations/0003_c.sql": {Data: []byte("SELECT 1")}},
		"repeat":  {"migrations/0001_a.sql": {Data: []byte("SELECT 1")}, "migrations/001_b.sql": {Data: []byte("SELECT 1")}},
		"unnamed": {"migrations/first.sql": {Data: []byte("SELECT 1")}},
	} {
		if _, err := store.LoadMigrations(fsys); err == nil {
			t.Errorf("%s: loadMigrations accepted a bad set", name)
		}
	}
}

func TestFailedMigrationLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	ms, _ := store.LoadMigrations(migrationFS)
	bad := append(ms, store.Migration{Version: len(ms) + 1, Name: "bad.sql",
		SQL: "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;"})
	if err := s.applyMigrations(ctx, bad); err == nil {
		t.Fatal("a failing migration was reported as applied")
	}
	var n int
	if err := s.w.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("half-applied migration left its table behind (n=%d, err=%v)", n, err)
	}
	if v, _ := s.SchemaVersion(ctx); v != len(ms) {
		t.Fatalf("schema version moved to %d after a failed migration", v)
	}
}

func TestConcurrentWritersNeverBusy(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				if err := s.Put(ctx, "w", fmt.Sprintf("%d-%d", g, i), i); err != nil {
					errs <- err
					return
				}
				if _, err := s.Queue().Enqueue(ctx, store.NewAction{Lane: "l", RunID: "r", ObjectID: fmt.Sprint(g), StepID: fmt.Sprint(i)}); err != nil {
					errs <- err
					return
				}
				var v int
				if err := s.Get(ctx, "w", fmt.Sprintf("%d-%d", g, i), &v); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent write failed: %v", err)
	}
	c, err := s.Queue().Counts(ctx, "")
	if err != nil || c[store.ActionPending] != 16*40 {
		t.Fatalf("pending = %d (%v), want %d", c[store.ActionPending], err, 16*40)
	}
}
