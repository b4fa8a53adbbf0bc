package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// BenchLife measures the full life of b.N actions (enqueue, claim, mark
// sending, complete) on q, enqueuing and claiming batch at a time, and
// reports actions/s. Every backend's queue benchmark runs it, so their
// figures compare.
func BenchLife(b *testing.B, q store.Queue, batch int) {
	ctx := context.Background()
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
}

// BenchParallel enqueues b.N actions in one lane, then lets workers
// goroutines, spread round-robin over queues (one per host), claim, mark
// and complete them one at a time, and reports actions/s.
func BenchParallel(b *testing.B, queues []store.Queue, workers int) {
	ctx := context.Background()
	as := make([]store.NewAction, b.N)
	for i := range as {
		as[i] = store.NewAction{Lane: "l", RunID: "bench", ObjectID: fmt.Sprint(i), StepID: "s"}
	}
	if _, err := queues[0].Enqueue(ctx, as...); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, worker := queues[w%len(queues)], fmt.Sprint("w", w)
			for {
				claimed, err := q.Claim(ctx, store.ClaimOptions{Worker: worker, Lane: "l"})
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

// BenchDocs measures writing and then reading one configuration document,
// the host's most common store operation, and reports the latency of each.
func BenchDocs(b *testing.B, d store.Docs) {
	ctx := context.Background()
	doc := map[string]any{"name": "Clockify", "enabled": true, "settings": map[string]string{"workspace": "w1", "api_key": "idbx1:sealed"}}
	var put, get time.Duration
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprint("doc-", i%100)
		start := time.Now()
		if err := d.Put(ctx, "bench", id, doc); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		var v map[string]any
		if err := d.Get(ctx, "bench", id, &v); err != nil {
			b.Fatal(err)
		}
		put, get = put+mid.Sub(start), get+time.Since(mid)
	}
	b.ReportMetric(float64(put.Microseconds())/float64(b.N), "put_µs")
	b.ReportMetric(float64(get.Microseconds())/float64(b.N), "get_µs")
}
