package store_test

import (
	"sync"
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

// TestMemoryClusterConformance holds the in-process leases and budget to
// the suite the PostgreSQL ones pass; one process's handles share state.
func TestMemoryClusterConformance(t *testing.T) {
	storetest.RunCluster(t, func(t *testing.T, now func() time.Time) storetest.Cluster {
		return sharedMemoryCluster(t, now)
	})
}

// sharedMemoryCluster returns one MemoryCluster per test, as hosts of one
// process share it.
var memoryClusters sync.Map

func sharedMemoryCluster(t *testing.T, now func() time.Time) *store.MemoryCluster {
	c, _ := memoryClusters.LoadOrStore(t.Name(), store.NewMemoryCluster(now))
	return c.(*store.MemoryCluster)
}
