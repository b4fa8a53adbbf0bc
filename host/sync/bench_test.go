package sync_test

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/sync/synctest"
)

// Environment of BenchmarkFullDryRun, set by bench/sync.sh, which starts a
// slapd holding the users and a Clockify sandbox serving the accounts.
const (
	envBenchLDAPURL   = "IDBRIDGE_BENCH_LDAP_URL"
	envBenchLDAPBind  = "IDBRIDGE_BENCH_LDAP_BIND"
	envBenchLDAPPass  = "IDBRIDGE_BENCH_LDAP_PASSWORD"
	envBenchLDAPBase  = "IDBRIDGE_BENCH_LDAP_BASE"
	envBenchClockify  = "IDBRIDGE_BENCH_CLOCKIFY_URL"
	envBenchKey       = "IDBRIDGE_BENCH_CLOCKIFY_KEY"
	envBenchWorkspace = "IDBRIDGE_BENCH_CLOCKIFY_WORKSPACE"
)

// BenchmarkFullDryRun plans a data source over every user of a directory
// and every account of an app, as bench/sync.sh seeds them (100,000 each),
// through the real connector process. It reports the time of one plan and
// the peak memory of the host process (Go heap and resident set) and of
// the connector process.
func BenchmarkFullDryRun(b *testing.B) {
	url := os.Getenv(envBenchLDAPURL)
	if url == "" || os.Getenv(envBenchClockify) == "" {
		b.Skip("run bench/sync.sh: it seeds slapd and the Clockify sandbox and sets " + envBenchLDAPURL + " and " + envBenchClockify)
	}
	ctx := context.Background()
	// bench/sync.sh started and seeded the sandbox; the env only points at it.
	app := func(context.Context, string) (synctest.App, error) {
		return synctest.App{Settings: map[string]string{"baseUrl": os.Getenv(envBenchClockify), "workspaceId": os.Getenv(envBenchWorkspace)}}, nil
	}
	env := synctest.Start(b, synctest.Options{StartApp: app, APIKey: os.Getenv(envBenchKey),
		// The connector paces calls at Clockify's 50 requests a second by
		// default, which alone makes 501 pages take 10 s; the floor (curl)
		// is not paced, so neither is this run. IDBRIDGE_BENCH_RATE sets
		// a pace to measure with.
		Settings: map[string]string{"rateLimit": benchRate()}})
	dir, err := directory.Open(ctx, directory.Config{URL: url, PlainText: true, BindDN: os.Getenv(envBenchLDAPBind),
		Password: os.Getenv(envBenchLDAPPass), BaseDN: os.Getenv(envBenchLDAPBase), PageSize: benchPageSize(), Flavor: directory.FlavorLDAP})
	if err != nil {
		b.Fatal(err)
	}
	defer dir.Close()
	svc := newService(b, env, dir)
	ds := idsync.DataSource{ID: "bench", DataSource: mapping.DataSource{
		Name: "bench", Category: mapping.CategoryUpdateUsers,
		Endpoints: []mapping.EndpointRef{{Alias: "users", IntegrationID: integ, EndpointID: "list-users", PrimaryKey: "id"}},
		Mappings:  []mapping.Mapping{{Field: mapping.FieldRef{Path: "name"}, Attribute: "displayName"}},
		Match:     mapping.MatchRule{Field: mapping.FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
		Options: mapping.Options{Active: &mapping.ActiveRule{Field: mapping.FieldRef{Path: "memberships[].membershipStatus"},
			Values: []string{"ACTIVE"}}},
	}}
	if _, err := svc.Create(ctx, ds); err != nil {
		b.Fatal(err)
	}
	runtime.GC()

	// The two reads alone show which side bounds the plan.
	b.Run("app-only", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n = 0
			if err := env.Inbound.Fetch(ctx, integ, "list-users", inbound.FetchOptions{}, func(batch []map[string]any) error { n += len(batch); return nil }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n), "records")
	})
	b.Run("directory-only", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n = 0
			err := dir.Scan(ctx, directory.Query{Filter: dir.UserFilter(), Attributes: []string{"entryUUID", "userAccountControl", "mail", "displayName"}},
				func(directory.Entry) error { n++; return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n), "users")
	})
	// The CLI's plan (counts and five per category), ten in a row: the
	// host's memory must not climb from plan to plan. It runs before the
	// whole plan, so the peak resident set it reports is its own.
	b.Run("summary-x10", func(b *testing.B) {
		runtime.GC()
		peak := startHeapSampler()
		var last *mapping.Plan
		for b.Loop() {
			for range 10 {
				pv, err := svc.Plan(ctx, "bench", idsync.RunOptions{Sample: 5})
				if err != nil {
					b.Fatal(err)
				}
				last = pv.Plan
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(vmHWM("self"))/(1<<10), "host-peak-rss-MB")
		b.ReportMetric(float64(vmStatus("self", "VmRSS:"))/(1<<10), "host-rss-after-MB")
		b.ReportMetric(float64(last.Summary.Updates), "updates")
	})
	b.Run("plan", func(b *testing.B) {
		runtime.GC()
		pids := benchPIDs(env)
		cpuBefore := map[string]int{}
		for name, pid := range pids {
			cpuBefore[name] = cpuMS(pid)
		}
		peak := startHeapSampler()
		var last *mapping.Plan
		var lastRead, lastPlan int64
		for b.Loop() {
			pv, err := svc.Plan(ctx, "bench", idsync.RunOptions{})
			if err != nil {
				b.Fatal(err)
			}
			last, lastRead, lastPlan = pv.Plan, pv.ReadMS, pv.PlanMS
		}
		b.StopTimer()
		heap := peak()
		// Where the CPU went: the plan shares the machine with the servers
		// it reads, so their time is part of the picture.
		for name, pid := range pids {
			b.ReportMetric(float64(cpuMS(pid)-cpuBefore[name]), name+"-cpu-ms")
		}
		s := last.Summary
		b.ReportMetric(float64(lastRead), "read-ms")
		b.ReportMetric(float64(lastPlan), "plan-ms")
		b.ReportMetric(float64(s.Records), "records")
		b.ReportMetric(float64(s.Users), "users")
		b.ReportMetric(float64(s.Updates), "updates")
		b.ReportMetric(float64(s.NoChange), "nochange")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(vmHWM("self"))/(1<<10), "host-peak-rss-MB")
		for _, st := range env.Plugins.Statuses() {
			if st.PID > 0 {
				b.ReportMetric(float64(vmHWM(strconv.Itoa(st.PID)))/(1<<10), "connector-peak-rss-MB")
			}
		}
	})
}

// benchPIDs names the processes whose CPU time the plan benchmark reports:
// the host itself, the connector, and those bench/sync.sh lists in
// IDBRIDGE_BENCH_PIDS as name:pid pairs (the directory and the sandbox).
func benchPIDs(env *synctest.Env) map[string]string {
	out := map[string]string{"host": "self"}
	for _, st := range env.Plugins.Statuses() {
		if st.PID > 0 {
			out["connector"] = strconv.Itoa(st.PID)
		}
	}
	for _, pair := range strings.Split(os.Getenv("IDBRIDGE_BENCH_PIDS"), ",") {
		if name, pid, ok := strings.Cut(pair, ":"); ok {
			out[name] = pid
		}
	}
	return out
}

// cpuMS reads a process's user plus system CPU time from /proc, in
// milliseconds (clock ticks of 10 ms); 0 when unknown.
func cpuMS(pid string) int {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may
	// hold spaces: state is field 3, utime 14 and stime 15.
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return (ut + st) * 10
}

// benchRate is the connector's pace for the benchmark: 0 (unpaced) unless
// IDBRIDGE_BENCH_RATE says otherwise.
func benchRate() string {
	if r := os.Getenv("IDBRIDGE_BENCH_RATE"); r != "" {
		return r
	}
	return "0"
}

// benchPageSize is the directory's page size for the benchmark: the
// client's default, as the host runs, unless IDBRIDGE_BENCH_PAGE_SIZE says
// otherwise.
func benchPageSize() int {
	n, _ := strconv.Atoi(os.Getenv("IDBRIDGE_BENCH_PAGE_SIZE"))
	return n
}

// startHeapSampler samples the Go heap every 5 ms until the returned
// function is called, which gives the peak seen. runtime/metrics does not
// stop the world, so sampling does not slow the plan down.
func startHeapSampler() func() uint64 {
	done := make(chan struct{})
	out := make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-out }
}

// vmHWM reads a process's peak resident set in KiB from /proc; 0 when
// unknown.
func vmHWM(pid string) int { return vmStatus(pid, "VmHWM:") }

// vmStatus reads one size line (VmHWM:, VmRSS:) of a process's status, in
// KiB; 0 when unknown.
func vmStatus(pid, field string) int {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}
