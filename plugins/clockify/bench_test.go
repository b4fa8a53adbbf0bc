package clockify_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

const benchUsers = 100_000

// BenchmarkFetch100kUsers fetches List Users from a sandbox of 100,000
// members through the real plugin binary, launched by the host's
// supervisor, and reports records/s and the peak memory of this (host)
// process. After every fetch one curl process fetches the same pages, and
// x-curl is the median of the paired ratios: on a shared machine the speed
// drifts by a third within a minute, and pairing cancels the drift that
// separate runs would put into the ratio. The sandbox runs in its own
// process so that its memory is not counted as the host's.
func BenchmarkFetch100kUsers(b *testing.B) {
	dir := b.TempDir()
	base := startSandboxProcess(b, dir)
	cl := connectortest.Plugin(b, pluginPath)
	s := map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
		clockify.SettingBaseURL:     base,
		clockify.SettingAPIKey:      sandbox.DefaultAdminKey,
		// The sandbox runs without a limit here: the figure is the
		// connector's throughput, not Clockify's budget.
		clockify.SettingRateLimit: "100000",
	}
	if _, err := fetchCount(cl, s, nil); err != nil { // launch the plugin, warm connections
		b.Fatal(err)
	}
	curl := curlPages(b, dir, base)
	if curl == nil {
		b.Fatal("curl is needed for the comparison; install it (apt-get install curl)")
	}

	// all-fields is the full user record; projected asks only for what a
	// typical data source reads (primary key, match key, status), as the
	// sync engine does through FetchRequest.fields.
	//
	// received is every field, received and counted without building
	// maps: what curl does with the pages (nothing), so the ratio is that
	// of the connector and the protocol alone.
	variants := []struct {
		name     string
		fields   []string
		received bool
	}{
		{"all-fields", nil, false},
		{"projected", []string{"id", "email", "name", "status", "memberships[].membershipStatus"}, false},
		{"all-fields-received", nil, true},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			runtime.GC()
			debug.FreeOSMemory()
			resetPeakRSS()
			var heapPeak atomic.Uint64
			stop := sampleHeap(&heapPeak)

			b.ResetTimer()
			var elapsed time.Duration
			var curls []time.Duration
			var ratios []float64
			total := 0
			for range b.N {
				start := time.Now()
				count := fetchCount
				if v.received {
					count = receiveCount
				}
				n, err := count(cl, s, v.fields)
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				if n != benchUsers+2 {
					b.Fatalf("fetched %d users, want %d", n, benchUsers+2)
				}
				total += n
				elapsed += took
				b.StopTimer()
				c := curl()
				curls = append(curls, c)
				ratios = append(ratios, took.Seconds()/c.Seconds())
				b.StartTimer()
			}
			b.StopTimer()
			stop()

			b.ReportMetric(float64(total)/elapsed.Seconds(), "records/s")
			b.ReportMetric((elapsed / time.Duration(b.N)).Seconds(), "s/fetch")
			b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
			b.ReportMetric(float64(heapPeak.Load())/(1<<20), "peak-heap-MB")
			b.ReportMetric(median(curls).Seconds(), "curl-s")
			b.ReportMetric(median(ratios), "x-curl")
		})
	}
}

// fetchCount runs List Users to the end and counts the records, decoding
// them into Go maps the way the host's inbound service does.
func fetchCount(cl connectorv1.ConnectorClient, s map[string]string, fields []string) (int, error) {
	st, err := fetchUsers(cl, s, fields)
	if err != nil {
		return 0, err
	}
	dec := sdk.NewPageDecoder(nil)
	n := 0
	for {
		p, err := dec.Receive(st)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += len(p.Records)
	}
}

// fetchUsers starts List Users, as the host does.
func fetchUsers(cl connectorv1.ConnectorClient, s map[string]string, fields []string) (connectorv1.Connector_FetchClient, error) {
	return cl.Fetch(context.Background(), &connectorv1.FetchRequest{
		Settings: s, Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"},
		Fields: fields,
	}, sdk.FetchCallOption())
}

// receiveCount runs List Users to the end and counts the records of each
// page without decoding them.
func receiveCount(cl connectorv1.ConnectorClient, s map[string]string, fields []string) (int, error) {
	st, err := fetchUsers(cl, s, fields)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		var page countedPage
		if err := st.RecvMsg(&page); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
		n += page.records
	}
}

// countedPage is a FetchResponse read only as far as counting its records
// (field 1), through protobuf's original message API, which hands the
// message its raw bytes.
type countedPage struct{ records int }

func (p *countedPage) Reset()         { p.records = 0 }
func (p *countedPage) String() string { return fmt.Sprintf("%d records", p.records) }
func (p *countedPage) ProtoMessage()  {}

// Unmarshal counts the records of b.
func (p *countedPage) Unmarshal(b []byte) error {
	for len(b) > 0 {
		num, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			return protowire.ParseError(k)
		}
		m := protowire.ConsumeFieldValue(num, typ, b[k:])
		if m < 0 {
			return protowire.ParseError(m)
		}
		if num == 1 && typ == protowire.BytesType {
			p.records++
		}
		b = b[k+m:]
	}
	return nil
}

// startSandboxProcess writes a 100,000-user seed and serves it from the
// clockify-sandbox binary with no rate limit; it returns the base URL.
func startSandboxProcess(b *testing.B, dir string) string {
	b.Helper()
	bin := filepath.Join(dir, "clockify-sandbox")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/clockify-sandbox").CombinedOutput(); err != nil {
		b.Fatalf("building the sandbox: %v\n%s", err, out)
	}
	seed := filepath.Join(dir, "seed.json")
	raw, err := json.Marshal(sandbox.GenerateSeed(benchUsers))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(seed, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	raw = nil
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--listen", addr, "--seed", seed, "--rate", "-1")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr + "/api"
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("GET", base+"/v1/user", nil)
		req.Header.Set("X-Api-Key", sandbox.DefaultAdminKey)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("the sandbox did not come up on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// curlPages writes a curl config for the pages List Users asks for and
// returns a function that fetches them all with one curl process reusing
// one connection, returning the wall time; nil when curl is missing.
func curlPages(b *testing.B, dir, base string) func() time.Duration {
	b.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		return nil
	}
	pages := (benchUsers+2)/clockify.PageSize + 1
	cfg := filepath.Join(dir, "curl.cfg")
	f, err := os.Create(cfg)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "silent\nfail\nheader = \"X-Api-Key: %s\"\n", sandbox.DefaultAdminKey)
	for p := 1; p <= pages; p++ {
		fmt.Fprintf(w, "url = \"%s/v1/workspaces/%s/users?memberships=WORKSPACE&status=ALL&include-roles=false&page=%d&page-size=%d\"\noutput = \"/dev/null\"\n",
			base, sandbox.DefaultWorkspaceID, p, clockify.PageSize)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return func() time.Duration {
		start := time.Now()
		if out, err := exec.Command("curl", "--config", cfg).CombinedOutput(); err != nil {
			b.Fatalf("curl: %v\n%s", err, out)
		}
		return time.Since(start)
	}
}

// median is the middle value of xs (the upper middle for an even count).
func median[T float64 | time.Duration](xs []T) T {
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// resetPeakRSS restarts the kernel's peak-RSS counter of this process, so
// the figure covers the fetches only (Linux; elsewhere it is a no-op).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads VmHWM, the peak resident set, in bytes (0 off Linux).
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// sampleHeap records the largest heap in use every 10ms until stopped.
// It reads runtime/metrics, which unlike ReadMemStats does not stop the
// world, so sampling does not slow what it measures.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}
