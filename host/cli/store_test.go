package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/datalock"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
)

// pgURL returns the test server's URL on a fresh schema of its own.
func pgURL(t *testing.T) (string, pgtest.Server) {
	t.Helper()
	srv := pgtest.Need(t)
	schema := pgtest.NewSchema(t, srv)
	conn, err := srv.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	return srv.URL + "?search_path=" + schema, srv
}

// TestStoreCopyMovesAnInstallToPostgreSQL copies a stopped host's data
// folder twice (idempotent), refuses while a host holds the folder, and
// then starts a host on the copy with the folder's master key.
func TestStoreCopyMovesAnInstallToPostgreSQL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := app.New(ctx, app.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	url, srv := pgURL(t)
	var first CopyResult
	for round := range 2 {
		code, out, errs := run(t, nil, "store", "copy", "--from", dir, "--to", url, "--to-password-file", srv.PasswordFile, "-o", "json")
		if code != ExitOK {
			t.Fatalf("copy %d: code %d, %s", round+1, code, errs)
		}
		var res CopyResult
		if err := json.Unmarshal([]byte(out), &res); err != nil || res.Rows["docs"] == 0 || res.KeyID == "" {
			t.Fatalf("copy %d printed %q (%v)", round+1, out, err)
		}
		if round == 0 {
			first = res
		} else if res.Rows["docs"] != first.Rows["docs"] || res.Rows["audit"] != first.Rows["audit"] {
			t.Fatalf("the second copy saw %v, the first %v", res.Rows, first.Rows)
		}
	}

	lock, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, nil, "store", "copy", "--from", dir, "--to", url, "--to-password-file", srv.PasswordFile)
	lock.Release()
	if code == ExitOK || !strings.Contains(errs, "another idbridge process works on this data folder") {
		t.Fatalf("copy while a host holds the folder: code %d, %s", code, errs)
	}

	// A host on the copy, with the folder's key (read from the folder).
	b, err := app.New(ctx, app.Options{DataDir: dir, StoreURL: url, StorePasswordFile: srv.PasswordFile})
	if err != nil {
		t.Fatalf("a host on the copied store: %v", err)
	}
	b.Close()

	if code, _, errs := run(t, nil, "store", "copy", "--from", dir, "--to", "mysql://x@y/z"); code != ExitUsage || !strings.Contains(errs, "postgres://") {
		t.Fatalf("a non-PostgreSQL target: code %d, %s", code, errs)
	}
	if code, _, errs := run(t, nil, "store", "copy", "--from", dir, "--to", strings.Replace(url, "@", ":secret@", 1)); code == ExitOK || !strings.Contains(errs, "password") || strings.Contains(errs, "secret") {
		t.Fatalf("a password in the URL: code %d, %s", code, errs)
	}
}
