package postgres_test

import (
	"fmt"
	"testing"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
	"github.com/idbridge/idbridge/host/store/storetest"
)

// BenchmarkQueue measures the life of one action claiming one at a time
// and in batches of 50, as the SQLite benchmark of the same name does.
func BenchmarkQueue(b *testing.B) {
	for _, batch := range []int{1, 50} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			storetest.BenchLife(b, pgtest.Open(b, nil).Queue(), batch)
		})
	}
}

// BenchmarkQueueParallel has 32 workers, spread over three stores (three
// hosts' connection pools), claim from one lane: the contended case SKIP
// LOCKED is for.
func BenchmarkQueueParallel(b *testing.B) {
	srv := pgtest.Need(b)
	schema := pgtest.NewSchema(b, srv)
	var qs []store.Queue
	for range 3 {
		qs = append(qs, openStore(b, srv, schema).Queue())
	}
	storetest.BenchParallel(b, qs, 32)
}

// BenchmarkDocs measures a document write and read, beside the SQLite
// benchmark of the same name.
func BenchmarkDocs(b *testing.B) {
	storetest.BenchDocs(b, pgtest.Open(b, nil))
}
