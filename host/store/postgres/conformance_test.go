package postgres_test

import (
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
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
