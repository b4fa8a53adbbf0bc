package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/store"
)

// BenchmarkQueue measures the full life of one action (enqueue, claim,
// mark sending, complete) with the durable default (synchronous FULL) and
// with NORMAL, claiming in batches as a rate-limited worker would.
func BenchmarkQueue(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		for _, batch := range []int{1, 50} {
			b.Run(fmt.Sprintf("sync=%s/batch=%d", sync, batch), func(b *testing.B) {
				ctx := context.Background()
				s, err := Open(ctx, filepath.Join(b.TempDir(), FileName), Options{Synchronous: sync})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				q := s.Queue()
				b.ResetTimer()
				for i := 0; i < b.N; i += batch {
					n := min(batch, b.N-i)
					as := make([]store.NewAction, n)
					for j := range as {
						as[j] = store.NewAction{Lane: "l", RunID: "bench", ObjectID: fmt.Sprint(i + j), StepID: "s"}
					}
					if _, err := q.Enqueue(ctx, as...); err != nil {
						b.Fatal(err)
					}
					claimed, err := q.Claim(ctx, store.ClaimOptions{Worker: "w", Limit: n})
					if err != nil || len(claimed) != n {
						b.Fatalf("claimed %d of %d: %v", len(claimed), n, err)
					}
					for _, a := range claimed {
						if err := q.MarkSending(ctx, a.ID, "w"); err != nil {
							b.Fatal(err)
						}
						if err := q.Complete(ctx, a.ID, "w", nil); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actions/s")
			})
		}
	}
}

// BenchmarkQueueParallel measures the same life with 32 concurrent
// workers claiming one action at a time, as rate-limited senders do; group
// commit lets their reports share transactions.
func BenchmarkQueueParallel(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), FileName), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := s.Queue()
	as := make([]store.NewAction, b.N)
	for i := range as {
		as[i] = store.NewAction{Lane: "l", RunID: "bench", ObjectID: fmt.Sprint(i), StepID: "s"}
	}
	if _, err := q.Enqueue(ctx, as...); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker := fmt.Sprint("w", w)
			for {
				claimed, err := q.Claim(ctx, store.ClaimOptions{Worker: worker})
				if err != nil {
					b.Error(err)
					return
				}
				if len(claimed) == 0 {
					return
				}
				a := claimed[0]
				if err := q.MarkSending(ctx, a.ID, worker); err != nil {
					b.Error(err)
					return
				}
				if err := q.Complete(ctx, a.ID, worker, nil); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actions/s")
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
