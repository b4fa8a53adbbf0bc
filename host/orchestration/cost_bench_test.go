package orchestration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// sandboxChildEnv makes the test binary serve a sandbox instead of running
// tests, so a benchmark can measure the host's CPU without the sandbox's.
// Its value is "users,rate".
const sandboxChildEnv = "IDBRIDGE_BENCH_SANDBOX"

// serveSandboxChild serves a generated sandbox and, on a second address, its
// request records as JSON; it prints both addresses and runs until its
// standard input closes (the benchmark ended).
func serveSandboxChild() {
	parts := strings.Split(os.Getenv(sandboxChildEnv), ",")
	users, _ := strconv.Atoi(parts[0])
	rate, _ := strconv.ParseFloat(parts[1], 64)
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Rate: rate, Seed: sandbox.GenerateSeed(users)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/requests", func(w http.ResponseWriter, _ *http.Request) { _ = json.NewEncoder(w).Encode(sb.Requests()) })
	mux.HandleFunc("/users", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(sb.Users(sandbox.DefaultWorkspaceID))
	})
	go func() { _ = http.Serve(ln, mux) }()
	fmt.Printf("SANDBOX %s http://%s\n", sb.BaseURL(), ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// childSandbox is a sandbox in its own process.
type childSandbox struct {
	baseURL, ctl string
}

func startChildSandbox(b *testing.B, users int, rate float64) childSandbox {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%v", sandboxChildEnv, users, rate))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 3 || f[0] != "SANDBOX" {
		b.Fatalf("sandbox child: %q, %v", line, err)
	}
	return childSandbox{baseURL: f[1], ctl: f[2]}
}

func (c childSandbox) get(b *testing.B, path string, v any) {
	b.Helper()
	resp, err := http.Get(c.ctl + path)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		b.Fatal(err)
	}
}

// cpuOf returns the user and system CPU time a process used so far.
func cpuOf(b *testing.B, pid int) time.Duration {
	b.Helper()
	if pid == 0 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command's closing parenthesis; utime and stime are
	// the 12th and 13th of them, in clock ticks of 1/100 s.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// BenchmarkOutboundCost sends 5,000 calls (set a user's custom field) through
// the engine on SQLite, the real connector and a sandbox in its own process
// limited to 500 requests a second, and prints the calls per second as a
// share of that limit, the host's and the connector's CPU per call, and the
// requests that reached the sandbox inside a Retry-After window it had
// announced with a 429, and the most requests one sandbox received in any
// one second (at most the limit: the calls leave in groups, decision
// 0287, never above the budget). Host CPU is the whole test process (engine, store,
// plugin client), the sandbox excluded. Run it with -benchtime=1x; on a
// shared machine the figures are noisy.
func BenchmarkOutboundCost(b *testing.B) {
	for b.Loop() {
		measureOutboundCost(b, 1)
	}
}

// BenchmarkOutboundCost3 is BenchmarkOutboundCost with three integrations,
// each with its own connector and its own sandbox limited to 500/s, 5,000
// calls each; the share of the limit is that of the slowest integration.
func BenchmarkOutboundCost3(b *testing.B) {
	for b.Loop() {
		measureOutboundCost(b, 3)
	}
}

// measureOutboundCost runs 5,000 calls on each of n integrations at once
// and reports the figures BenchmarkOutboundCost describes.
func measureOutboundCost(b *testing.B, n int) {
	const calls, limit = 5000, 500.0
	ids := []string{integ}
	sbs := []childSandbox{startChildSandbox(b, calls, limit)}
	more := map[string]string{}
	for i := 1; i < n; i++ {
		id := fmt.Sprintf("%s-%d", integ, i+1)
		sb := startChildSandbox(b, calls, limit)
		ids, sbs, more[id] = append(ids, id), append(sbs, sb), sb.baseURL
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	e := newEnv(b, envOptions{baseURL: sbs[0].baseURL, rateLimit: fmt.Sprint(limit), store: st, more: more,
		// The dispatcher wakes as often as in the product (Poll's default),
		// not every 50 ms as the tests make it, and a lane runs the
		// product's default number of calls at once; see decision 0252.
		config: func(c *Config) { c.Poll = 0 }})
	var runs []string
	var connPIDs []int
	var connBefore []time.Duration
	for i, id := range ids {
		tpl := fieldTemplate()
		tpl.ID, tpl.Steps[0].Integration = fmt.Sprintf("field-%d", i+1), id
		mustSave(b, e, tpl)
		var users []sandbox.User
		sbs[i].get(b, "/users", &users)
		run, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: tpl.ID, Objects: fieldObjects(users)})
		if err != nil {
			b.Fatal(err)
		}
		in, ok := e.ints.Sup.Get(id)
		if !ok {
			b.Fatalf("the connector of %s is not running", id)
		}
		runs, connPIDs = append(runs, run), append(connPIDs, in.Status().PID)
		connBefore = append(connBefore, cpuOf(b, in.Status().PID))
	}
	hostBefore := cpuOf(b, 0)
	e.start(b)
	for _, run := range runs {
		// Only the run's record: env.wait's report at the end
		// (Engine.Status walks every action) is the test's work, not the
		// host's, and would count in its CPU. See decision 0252.
		if !e.waitRecord(b, run, 10*time.Minute) {
			b.Fatalf("run %s did not finish", run)
		}
	}
	host := cpuOf(b, 0) - hostBefore
	var conn time.Duration
	for i, pid := range connPIDs {
		conn += cpuOf(b, pid) - connBefore[i]
	}

	sent, refused, intoWindow, busiest, share := 0, 0, 0, 0, 2.0
	var seconds float64
	for _, sb := range sbs {
		var recs []sandbox.RequestRecord
		sb.get(b, "/requests", &recs)
		r := countRequests(recs)
		sent, refused, intoWindow = sent+r.sent, refused+r.refused, intoWindow+r.intoWindow
		busiest = max(busiest, r.busiest)
		rate := float64(r.sent) / r.last.Sub(r.first).Seconds()
		share = min(share, rate/limit)
		seconds = max(seconds, r.last.Sub(r.first).Seconds())
	}
	hostMS := float64(host.Microseconds()) / 1000 / float64(sent)
	connMS := float64(conn.Microseconds()) / 1000 / float64(sent)
	b.ReportMetric(share, "of-limit")
	b.ReportMetric(hostMS, "host-ms/call")
	b.ReportMetric(connMS, "connector-ms/call")
	b.ReportMetric(float64(refused), "429s")
	b.ReportMetric(float64(intoWindow), "into-429-window")
	b.ReportMetric(float64(busiest), "busiest-second")
	b.Logf("%d integrations: %d calls in %.1fs, slowest at %.2f of %v/s, busiest second of one app %d; host CPU %s (%.2f ms/call), connector CPU %s (%.2f ms/call); %d refused with 429, %d requests sent into a 429 window",
		n, sent, seconds, share, limit, busiest, host.Round(time.Millisecond), hostMS, conn.Round(time.Millisecond), connMS, refused, intoWindow)
}

// requestCounts is what one sandbox saw of the benchmark's calls.
type requestCounts struct {
	sent, refused, intoWindow int
	// busiest is the most requests the sandbox received in any one second
	// (a sliding window), refused ones included: the app's count.
	busiest     int
	first, last time.Time
}

// countRequests counts the calls (PUTs) a sandbox answered, those it
// refused with 429, and those that arrived inside a Retry-After window it
// had announced.
func countRequests(recs []sandbox.RequestRecord) requestCounts {
	var c requestCounts
	var windowEnd time.Time
	var times []time.Time
	for _, r := range recs {
		if r.Method != "PUT" {
			continue
		}
		times = append(times, r.Time)
		if c.first.IsZero() {
			c.first = r.Time
		}
		c.last = r.Time
		switch r.Status {
		case http.StatusTooManyRequests:
			c.refused++
			// The sandbox asks for whole seconds (at least 1); a request
			// sent before the answer arrived cannot know of it.
			if end := r.Time.Add(r.Duration).Add(time.Second); end.After(windowEnd) {
				windowEnd = end
			}
		default:
			c.sent++
			if r.Time.Before(windowEnd) && r.Time.After(windowEnd.Add(-time.Second).Add(20*time.Millisecond)) {
				c.intoWindow++
			}
		}
	}
	slices.SortFunc(times, time.Time.Compare)
	for lo, hi := 0, 0; hi < len(times); hi++ {
		for times[hi].Sub(times[lo]) >= time.Second {
			lo++
		}
		c.busiest = max(c.busiest, hi-lo+1)
	}
	return c
}
