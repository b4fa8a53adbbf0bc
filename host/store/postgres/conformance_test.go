package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
	"github.com/idbridge/idbridge/host/store/storetest"
)

// TestConformance holds the PostgreSQL backend to the suite SQLite and the
// in-memory backend pass.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Backend {
		return pgtest.Open(t, now)
	})
}

// TestClusterConformance runs the leases and rate budget suite with each
// "host" on its own connection pool to one schema.
func TestClusterConformance(t *testing.T) {
	schemas := map[string]string{}
	storetest.RunCluster(t, func(t *testing.T, now func() time.Time) storetest.Cluster {
		srv := pgtest.Need(t)
		schema, ok := schemas[t.Name()]
		if !ok {
			schema = pgtest.NewSchema(t, srv)
			schemas[t.Name()] = schema
		}
		s, err := postgres.Open(context.Background(), srv.URL, srv.Options(schema, now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
