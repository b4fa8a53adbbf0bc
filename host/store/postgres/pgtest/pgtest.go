// Package pgtest gives tests a real PostgreSQL database: the private
// cluster .ci/with-postgres starts (also inside .ci/with-directories). Each
// store a test opens lives in a schema of its own, dropped at the end, so
// tests run in parallel on one database without seeing each other.
//
// Without a server the tests skip, except with CI=true, where they fail:
// CI must never pass by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idbridge/idbridge/host/store/postgres"
)

// Server is how to reach the test cluster.
type Server struct {
	// URL is postgres://USER@HOST:PORT/DB, without a password.
	URL string
	// PasswordFile holds the role's password.
	PasswordFile string
}

// Need returns the test server, or skips the test (fails it with CI=true)
// when none is configured.
func Need(t testing.TB) Server {
	t.Helper()
	s := Server{URL: os.Getenv("IDBRIDGE_TEST_PG_URL"), PasswordFile: os.Getenv("IDBRIDGE_TEST_PG_PASSWORD_FILE")}
	if s.URL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IDBRIDGE_TEST_PG_URL is not set: run the tests through .ci/with-postgres (CI must not skip the PostgreSQL tests)")
		}
		t.Skip("no PostgreSQL server: run through .ci/with-postgres to include these tests")
	}
	return s
}

// NewSchema returns the name of a fresh schema that is dropped when t ends.
func NewSchema(t testing.TB, srv Server) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := srv.Connect(ctx)
		if err != nil {
			t.Logf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`); err != nil {
			t.Logf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// Connect opens a plain connection to the test database, for checks a
// store does not offer.
func (s Server) Connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(s.URL)
	if err != nil {
		return nil, err
	}
	pw, err := os.ReadFile(s.PasswordFile)
	if err != nil {
		return nil, err
	}
	cfg.Password = string(trimNewline(pw))
	return pgx.ConnectConfig(ctx, cfg)
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// Options returns store options for schema on the test server.
func (s Server) Options(schema string, now func() time.Time) postgres.Options {
	return postgres.Options{PasswordFile: s.PasswordFile, Schema: schema, Now: now, MaxConns: 8}
}

// Open opens a fresh, empty store in its own schema, closed when t ends.
func Open(t testing.TB, now func() time.Time) *postgres.Store {
	t.Helper()
	srv := Need(t)
	s, err := postgres.Open(context.Background(), srv.URL, srv.Options(NewSchema(t, srv), now))
	if err != nil {
		t.Fatalf("open the PostgreSQL store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
