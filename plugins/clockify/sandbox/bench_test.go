package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// BenchmarkListAllUsers pages through a 100,000-member workspace over HTTP
// the way a connector does, and reports members and bytes per second.
func BenchmarkListAllUsers(b *testing.B) {
	s, err := Start(context.Background(), Options{Seed: GenerateSeed(100_000), Rate: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, size := range []int{200, 5000} {
		b.Run(fmt.Sprintf("page-size=%d", size), func(b *testing.B) {
			var users, bytes int64
			for b.Loop() {
				for page := 1; ; page++ {
					req, _ := http.NewRequest("GET", fmt.Sprintf("%s%s/users?status=ALL&memberships=WORKSPACE&page=%d&page-size=%d", s.BaseURL(), ws, page, size), nil)
					req.Header.Set("X-Api-Key", DefaultAdminKey)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					n, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					bytes += n
					users += int64(min(size, 100_002-(page-1)*size))
					if res.Header.Get("Last-Page") == "true" {
						break
					}
				}
			}
			b.ReportMetric(float64(users)/b.Elapsed().Seconds(), "users/s")
			b.ReportMetric(float64(bytes)/b.Elapsed().Seconds()/1e6, "MB/s")
		})
	}
}

// BenchmarkGenerateSeed shows what building a large fixture costs a test.
func BenchmarkGenerateSeed(b *testing.B) {
	for b.Loop() {
		_ = GenerateSeed(100_000)
	}
}
