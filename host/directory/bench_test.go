package directory_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
)

// seededOUs holds the OU seeded per server for the benchmark's repeated runs.
var seededOUs = map[string]string{}

// BenchmarkPagedUsers reads 5,000 users page by page through the streaming
// search, reporting users per second and the heap growth of one read
// (streaming should keep it near one page, not the whole set).
func BenchmarkPagedUsers(b *testing.B) {
	for _, srv := range []struct {
		name string
		cfg  func(testing.TB) directory.Config
	}{{"OpenLDAP", dirtest.OpenLDAP}, {"AD", dirtest.AD}} {
		b.Run(srv.name, func(b *testing.B) {
			cfg := srv.cfg(b)
			cfg.PageSize = 500
			c := dirtest.Connect(b, cfg)
			const n = 5000
			// The framework calls this function more than once; seed once.
			ou, ok := seededOUs[srv.name]
			if !ok {
				ou = dirtest.NewOU(b, c)
				seedStart := time.Now()
				dirtest.SeedUsers(b, c, ou, dirtest.UniqueName("pg"), n)
				b.Logf("seeded %d users in %s", n, time.Since(seedStart).Round(time.Millisecond))
				seededOUs[srv.name] = ou
			}
			ctx := context.Background()
			var ms0, ms1 runtime.MemStats
			b.ResetTimer()
			var peak uint64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				runtime.ReadMemStats(&ms0)
				count := 0
				err := c.Users(ctx, directory.UserQuery{Base: ou}, func(directory.User) error {
					count++
					if count%1000 == 0 {
						runtime.ReadMemStats(&ms1)
						if ms1.HeapAlloc > ms0.HeapAlloc && ms1.HeapAlloc-ms0.HeapAlloc > peak {
							peak = ms1.HeapAlloc - ms0.HeapAlloc
						}
					}
					return nil
				})
				if err != nil || count != n {
					b.Fatalf("read %d of %d users: %v", count, n, err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "users/s")
			b.ReportMetric(float64(peak)/(1<<20), "heap-growth-MB")
		})
	}
}
