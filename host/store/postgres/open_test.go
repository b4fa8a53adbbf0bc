package postgres_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
)

// TestHostsStartingTogetherMigrateOnce opens one schema from several
// "hosts" at once: the advisory lock lets exactly one apply each
// migration, and every host ends up on the current schema.
func TestHostsStartingTogetherMigrateOnce(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Need(t)
	schema := pgtest.NewSchema(t, srv)
	const hosts = 4
	stores := make([]*postgres.Store, hosts)
	errs := make([]error, hosts)
	var wg sync.WaitGroup
	for i := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(ctx, srv.URL, srv.Options(schema, nil))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("host %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	conn, err := srv.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, distinct int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT version) FROM `+schema+`.schema_version`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	v, err := stores[0].SchemaVersion(ctx)
	if err != nil || v == 0 || rows != v || distinct != v {
		t.Fatalf("schema_version has %d rows (%d distinct) for version %d (%v): each migration must be applied once", rows, distinct, v, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Need(t)
	schema := pgtest.NewSchema(t, srv)
	s, err := postgres.Open(ctx, srv.URL, srv.Options(schema, nil))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := srv.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO `+schema+`.schema_version VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, srv.URL, srv.Options(schema, nil)); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

func TestPasswordNeverInTheURL(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Need(t)
	pw, err := os.ReadFile(srv.PasswordFile)
	if err != nil {
		t.Fatal(err)
	}
	withPassword := strings.Replace(srv.URL, "@", ":"+strings.TrimSpace(string(pw))+"@", 1)
	_, err = postgres.Open(ctx, withPassword, postgres.Options{})
	if !errors.Is(err, postgres.ErrPasswordInURL) {
		t.Fatalf("a URL with a password: %v, want ErrPasswordInURL", err)
	}
	if strings.Contains(err.Error(), strings.TrimSpace(string(pw))) {
		t.Fatal("the error repeats the password")
	}

	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, nil, 0o600)
	if _, err := postgres.Open(ctx, srv.URL, postgres.Options{PasswordFile: empty}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("an empty password file: %v", err)
	}
	wrong := filepath.Join(t.TempDir(), "wrong")
	os.WriteFile(wrong, []byte("not-the-password\n"), 0o600)
	if _, err := postgres.Open(ctx, srv.URL, postgres.Options{PasswordFile: wrong}); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if _, err := postgres.Open(ctx, "mysql://x@y/z", postgres.Options{}); err == nil {
		t.Fatal("a non-PostgreSQL URL was accepted")
	}
}

// TestPasswordFromEnvironment reads the password the libpq way, from
// PGPASSWORD, when no password file is given.
func TestPasswordFromEnvironment(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Need(t)
	pw, err := os.ReadFile(srv.PasswordFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSWORD", strings.TrimSpace(string(pw)))
	s, err := postgres.Open(ctx, srv.URL, postgres.Options{Schema: pgtest.NewSchema(t, srv)})
	if err != nil {
		t.Fatalf("open with PGPASSWORD: %v", err)
	}
	s.Close()
}

func TestAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Need(t)
	schema := pgtest.NewSchema(t, srv)
	s, err := postgres.Open(ctx, srv.URL, srv.Options(schema, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Audit().Append(ctx, store.AuditEntry{Actor: "a", Action: "x", Target: "t"}); err != nil {
		t.Fatal(err)
	}
	conn, err := srv.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, stmt := range []string{`UPDATE %s.audit SET actor = 'someone else'`, `DELETE FROM %s.audit`, `TRUNCATE %s.audit`} {
		if _, err := conn.Exec(ctx, strings.Replace(stmt, "%s", schema, 1)); err == nil {
			t.Fatalf("%s succeeded on the audit log", stmt)
		}
	}
}

// openStore opens a store on schema, closed when tb ends.
func openStore(tb testing.TB, srv pgtest.Server, schema string) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), srv.URL, srv.Options(schema, nil))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
