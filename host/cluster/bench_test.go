package cluster_test

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

// benchCalls is how many calls the throughput benchmark makes per case.
func benchCalls() int {
	n := 3000
	if v := os.Getenv("IDBRIDGE_BENCH_CALLS"); v != "" {
		fmt.Sscan(v, &n)
	}
	return n
}

// BenchmarkHostsAtRateLimit runs one run of onboarding calls against a
// sandbox limited to 500 calls a second, on one host and on three hosts
// sharing the store, and reports the calls per second they reached
// together once all were up, as a share of the limit (the target is at
// least 90%, never above), and the busiest sliding second the sandbox saw.
func BenchmarkHostsAtRateLimit(b *testing.B) {
	const limit = 500
	for _, hosts := range []int{1, 3} {
		b.Run(fmt.Sprintf("hosts=%d", hosts), func(b *testing.B) {
			for range b.N {
				f := newFleet(b, limit, benchCalls())
				first := f.start("host-1", true)
				for i := 2; i <= hosts; i++ {
					f.start(fmt.Sprintf("host-%d", i), false)
				}
				allUp := time.Now()
				f.waitFor("the run to finish", func() bool { return finished(first) })
				var times []time.Time
				refused := 0
				for _, r := range f.sb.Requests() {
					if r.Status == 429 {
						refused++
					}
					if r.Time.After(allUp) {
						times = append(times, r.Time)
					}
				}
				slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
				if len(times) < 2 {
					b.Fatalf("only %d calls after all hosts were up", len(times))
				}
				span := times[len(times)-1].Sub(times[0]).Seconds()
				rate := float64(len(times)-1) / span
				most := busiestSecond(times)
				b.ReportMetric(rate, "calls/s")
				b.ReportMetric(100*rate/limit, "%_of_limit")
				b.ReportMetric(float64(most), "busiest_second")
				if most > limit {
					b.Errorf("the sandbox saw %d calls in one sliding second; the limit is %d", most, limit)
				}
				b.ReportMetric(float64(refused), "refused_429")
			}
		})
	}
}

// BenchmarkFailover runs two hosts, kills the watcher lease's holder with
// SIGKILL ten times (restarting it each time) and reports how long the
// lease took to reach the other host: the median and the longest.
func BenchmarkFailover(b *testing.B) {
	for range b.N {
		f := newFleet(b, 50, 0)
		f.start("host-a", false)
		f.start("host-b", false)
		var took []time.Duration
		for range 10 {
			f.waitFor("a holder", func() bool { return f.watcher().Until.After(time.Now()) })
			holder := f.watcher().Holder
			at := f.kill(holder)
			f.waitFor("the lease to move", func() bool {
				l := f.watcher()
				return l.Holder != holder && l.Until.After(time.Now())
			})
			took = append(took, f.watcher().Since.Sub(at))
			f.start(holder, false)
		}
		slices.Sort(took)
		b.ReportMetric(took[len(took)/2].Seconds(), "p50_s")
		b.ReportMetric(took[len(took)-1].Seconds(), "max_s")
	}
}
