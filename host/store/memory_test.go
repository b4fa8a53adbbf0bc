package store_test

import (
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/storetest"
)

// TestMemoryConformance holds the in-memory backend to the same suite as
// the SQLite one, so tests written against it do not pass by accident.
func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Backend {
		return store.NewMemory(now)
	})
}
