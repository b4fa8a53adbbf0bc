package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/storetest"
)

// BenchmarkQueue measures the full life of one action (enqueue, claim,
// mark sending, complete) with the durable default (synchronous FULL) and
// with NORMAL, claiming in batches as a rate-limited worker would.
func BenchmarkQueue(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		for _, batch := range []int{1, 50} {
			b.Run(fmt.Sprintf("sync=%s/batch=%d", sync, batch), func(b *testing.B) {
				s, err := Open(context.Background(), filepath.Join(b.TempDir(), FileName), Options{Synchronous: sync})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				storetest.BenchLife(b, s.Queue(), batch)
			})
		}
	}
}

// BenchmarkQueueParallel measures the same life with 32 concurrent
// workers claiming one action at a time, as rate-limited senders do; group
// commit lets their reports share transactions.
func BenchmarkQueueParallel(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), FileName), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchParallel(b, []store.Queue{s.Queue()}, 32)
}

// BenchmarkEnqueue measures enqueueing alone, in batches of 100.
func BenchmarkEnqueue(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), FileName), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := s.Queue()
	b.ResetTimer()
	for i := 0; i < b.N; i += 100 {
		n := min(100, b.N-i)
		as := make([]store.NewAction, n)
		for j := range as {
			as[j] = store.NewAction{Lane: "l", RunID: "bench", ObjectID: fmt.Sprint(i + j), StepID: "s"}
		}
		if _, err := q.Enqueue(ctx, as...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actions/s")
}

// BenchmarkDocs measures a document write and read, beside the PostgreSQL
// benchmark of the same name.
func BenchmarkDocs(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), FileName), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchDocs(b, s)
}

// BenchmarkGetBesideLargeDocument reads small documents from a store that
// holds what a host with the Clockify connector installed holds, its
// archive (14 MB) among them: a read must not depend on the archive's
// size. See decision 0263.
func BenchmarkGetBesideLargeDocument(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), FileName), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// The documents of a host that has just installed the connector; the
	// archive sits in the middle of their order.
	for _, kind := range []string{"api-token", "datasource", "extension", "extension-trusted-key", "host.ready",
		"inbound-migration", "integration"} {
		if err := s.Put(ctx, kind, "x", map[string]string{"kind": kind}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Put(ctx, "extension-archive", "x", strings.Repeat("a", 14<<20)); err != nil {
		b.Fatal(err)
	}
	var v map[string]string
	for b.Loop() {
		for _, kind := range []string{"api-token", "datasource", "integration"} {
			if err := s.Get(ctx, kind, "x", &v); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(3*b.N), "µs/get")
}
