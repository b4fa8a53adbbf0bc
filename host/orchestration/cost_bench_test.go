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
// announced with a 429. Host CPU is the whole test process (engine, store,
// plugin client), the sandbox excluded. Run it with -benchtime=1x; on a
// shared machine the figures are noisy.
func BenchmarkOutboundCost(b *testing.B) {
	const n, limit = 5000, 500.0
	for b.Loop() {
		sb := startChildSandbox(b, n, limit)
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		e := newEnv(b, envOptions{baseURL: sb.baseURL, rateLimit: fmt.Sprint(limit), store: st,
			config: func(c *Config) { c.Concurrency = 64 }})
		mustSave(b, e, fieldTemplate())
		var users []sandbox.User
		sb.get(b, "/users", &users)
		objs := fieldObjects(users)
		id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "field", Objects: objs})
		if err != nil {
			b.Fatal(err)
		}
		in, ok := e.ints.Sup.Get(integ)
		if !ok {
			b.Fatal("the connector is not running")
		}
		hostBefore, connPID := cpuOf(b, 0), in.Status().PID
		connBefore := cpuOf(b, connPID)
		e.start(b)
		e.wait(b, id, 10*time.Minute)
		host, conn := cpuOf(b, 0)-hostBefore, cpuOf(b, connPID)-connBefore

		var recs []sandbox.RequestRecord
		sb.get(b, "/requests", &recs)
		var first, last time.Time
		sent, refused, intoWindow := 0, 0, 0
		var windowEnd time.Time
		for _, r := range recs {
			if r.Method != "PUT" {
				continue
			}
			if first.IsZero() {
				first = r.Time
			}
			last = r.Time
			switch r.Status {
			case http.StatusTooManyRequests:
				refused++
				// The sandbox asks for whole seconds (at least 1); a request
				// sent before the answer arrived cannot know of it.
				if end := r.Time.Add(r.Duration).Add(time.Second); end.After(windowEnd) {
					windowEnd = end
				}
			default:
				sent++
				if r.Time.Before(windowEnd) && r.Time.After(windowEnd.Add(-time.Second).Add(20*time.Millisecond)) {
					intoWindow++
				}
			}
		}
		rate := float64(sent) / last.Sub(first).Seconds()
		b.ReportMetric(rate/limit, "of-limit")
		b.ReportMetric(float64(host.Microseconds())/1000/float64(sent), "host-ms/call")
		b.ReportMetric(float64(conn.Microseconds())/1000/float64(sent), "connector-ms/call")
		b.ReportMetric(float64(refused), "429s")
		b.ReportMetric(float64(intoWindow), "into-429-window")
		b.Logf("%d calls in %.1fs = %.0f/s (%.2f of %v/s); host CPU %s (%.2f ms/call), connector CPU %s (%.2f ms/call); %d refused with 429, %d requests sent into a 429 window",
			sent, last.Sub(first).Seconds(), rate, rate/limit, limit, host.Round(time.Millisecond), float64(host.Microseconds())/1000/float64(sent),
			conn.Round(time.Millisecond), float64(conn.Microseconds())/1000/float64(sent), refused, intoWindow)
	}
}
