//go:build !windows

package pluginhost_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
)

func TestDescribe(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.connector))
	resp, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{HostProtocolVersion: wire.ProtocolVersion})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Info.GetId() != "testconn" || len(resp.Settings) != 2 || !resp.Settings[1].Secret {
		t.Fatalf("unexpected Describe: %v", resp)
	}
	st := h.Status()
	if st.State != pluginhost.StateRunning || st.PID == 0 || st.ProtocolVersion != wire.ProtocolVersion || st.Launches != 1 {
		t.Fatalf("status after first call: %+v", st)
	}
}

func TestAllCallsRoundTrip(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.connector))
	ctx := context.Background()
	if r, err := h.Test(ctx, &connectorv1.TestRequest{}); err != nil || !r.Ok {
		t.Fatalf("Test: %v %v", r, err)
	}
	inv, err := h.Invoke(ctx, &connectorv1.InvokeRequest{WebhookId: "echo", IdempotencyKey: "k1"})
	if err != nil || inv.Outputs.Fields["echo"].GetStringValue() != "k1" {
		t.Fatalf("Invoke: %v %v", inv, err)
	}
	n := fetchAll(t, h, 1234, 100)
	if n != 1234 {
		t.Fatalf("Fetch returned %d records, want 1234", n)
	}
}

func fetchAll(t testing.TB, h *pluginhost.Handle, count, batch int) int {
	t.Helper()
	stream, err := h.Fetch(context.Background(), &connectorv1.FetchRequest{
		Endpoint:  &connectorv1.FetchRequest_EndpointId{EndpointId: "records"},
		Settings:  map[string]string{"count": itoa(count)},
		BatchSize: int32(batch),
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range msg.Records {
			k := n + i
			f := r.GetFields()
			if f["id"].GetStringValue() != "u"+itoa(k) || f["email"].GetStringValue() != "user"+itoa(k)+"@example.test" ||
				f["active"].GetBoolValue() != (k%7 != 0) {
				t.Fatalf("record %d decoded as %v", k, r)
			}
		}
		n += len(msg.Records)
	}
}

func TestChecksumMismatchIsRefused(t *testing.T) {
	// A copy whose content changed after "install": the pinned hash is of
	// the original.
	p := plugin(t, bins.connector)
	changed := filepath.Join(t.TempDir(), "testconn")
	copyFile(t, bins.connector, changed)
	f, err := os.OpenFile(changed, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("tampered"))
	f.Close()
	p.Path = changed

	_, h := supervise(t, fastConfig(t), p)
	_, err = h.Describe(context.Background(), &connectorv1.DescribeRequest{})
	var ce *pluginhost.ChecksumError
	if !errors.As(err, &ce) || !errors.Is(err, pluginhost.ErrChecksumMismatch) {
		t.Fatalf("err = %v, want a ChecksumError", err)
	}
	for _, want := range []string{"changed since it was installed", "reinstall the extension"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if st := h.Status(); st.State != pluginhost.StateRefused || st.Launches != 0 || st.LastError == "" {
		t.Fatalf("status %+v, want refused and never launched", st)
	}

	// Checked at every launch: restoring the installed binary is enough.
	copyFile(t, bins.connector, changed)
	if _, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{}); err != nil {
		t.Fatalf("after restoring the binary: %v", err)
	}
}

func TestKilledPluginRestartsOnNextCall(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.connector))
	ctx := context.Background()
	if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{}); err != nil {
		t.Fatal(err)
	}
	pid := h.Status().PID
	if err := sigkill(pid); err != nil {
		t.Fatal(err)
	}
	// Exit detection: the state changes without any call.
	waitFor(t, 3*time.Second, "the crash to be noticed", func() bool { return h.State() == pluginhost.StateCrashed })
	st := h.Status()
	if !strings.Contains(st.LastError, "exited unexpectedly") || st.Failures != 1 {
		t.Fatalf("status after kill: %+v", st)
	}

	resp, err := h.Describe(ctx, &connectorv1.DescribeRequest{})
	if err != nil || resp.Info.GetId() != "testconn" {
		t.Fatalf("call after kill: %v %v", resp, err)
	}
	st = h.Status()
	if st.State != pluginhost.StateRunning || st.PID == pid || st.Restarts != 1 {
		t.Fatalf("status after restart: %+v", st)
	}
}

func TestRepeatedCrashesReachCrashLoop(t *testing.T) {
	cfg := fastConfig(t)
	cfg.CrashLoopAfter = 4
	_, h := supervise(t, cfg, plugin(t, bins.connector))
	ctx := context.Background()
	// The first relaunch is immediate, then the wait doubles from MinBackoff.
	wantDelay := []time.Duration{0, cfg.MinBackoff, 2 * cfg.MinBackoff}
	for i := range cfg.CrashLoopAfter {
		if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{}); err != nil {
			t.Fatalf("launch %d: %v", i+1, err)
		}
		// The plugin exits on its own: a crash from inside.
		_, err := h.Invoke(ctx, &connectorv1.InvokeRequest{WebhookId: "exit"})
		if err == nil {
			t.Fatal("Invoke of a dying plugin succeeded")
		}
		waitFor(t, 3*time.Second, "the crash to be noticed", func() bool { return h.State() != pluginhost.StateRunning })
		if i < len(wantDelay) {
			st := h.Status()
			got := st.NextStart.Sub(st.Since)
			if st.State != pluginhost.StateCrashed || got < wantDelay[i] || got > wantDelay[i]+5*time.Millisecond {
				t.Errorf("after crash %d: state %s, restart delay %s, want %s", i+1, st.State, got, wantDelay[i])
			}
		}
	}
	st := h.Status()
	if st.State != pluginhost.StateCrashLoop || st.Failures != cfg.CrashLoopAfter || st.LastError == "" {
		t.Fatalf("status %+v, want crash-loop after %d failures", st, cfg.CrashLoopAfter)
	}

	_, err := h.Describe(ctx, &connectorv1.DescribeRequest{})
	var cl *pluginhost.CrashLoopError
	if !errors.As(err, &cl) || !errors.Is(err, pluginhost.ErrCrashLoop) || !errors.Is(err, pluginhost.ErrExited) {
		t.Fatalf("call in crash loop: %v", err)
	}
	if !strings.Contains(err.Error(), "resets it") {
		t.Errorf("crash-loop error %q does not say how to recover", err)
	}
	if h.Status().Launches != cfg.CrashLoopAfter {
		t.Fatalf("a call in crash loop launched the plugin")
	}

	h.Reset()
	if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{}); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
	if st := h.Status(); st.State != pluginhost.StateRunning || st.Failures != 0 {
		t.Fatalf("status after reset: %+v", st)
	}
}

func TestLongRunResetsFailureCount(t *testing.T) {
	cfg := fastConfig(t)
	cfg.StableAfter = 300 * time.Millisecond
	_, h := supervise(t, cfg, plugin(t, bins.connector))
	ctx := context.Background()
	crash := func() {
		t.Helper()
		if err := h.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := sigkill(h.Status().PID); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 3*time.Second, "the crash to be noticed", func() bool { return h.State() == pluginhost.StateCrashed })
	}
	crash()
	crash()
	if f := h.Status().Failures; f != 2 {
		t.Fatalf("two quick crashes counted as %d", f)
	}
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(cfg.StableAfter + 50*time.Millisecond)
	sigkill(h.Status().PID)
	waitFor(t, 3*time.Second, "the crash to be noticed", func() bool { return h.State() == pluginhost.StateCrashed })
	if f := h.Status().Failures; f != 1 {
		t.Fatalf("a crash after a stable run counted as failure %d, want a fresh count of 1", f)
	}
}

func TestFailingStartReachesCrashLoop(t *testing.T) {
	cfg := fastConfig(t)
	p := plugin(t, bins.connector)
	p.Env = []string{"TESTCONNECTOR_EXIT_AT_START=1"}
	_, h := supervise(t, cfg, p)
	ctx := context.Background()
	for i := range cfg.CrashLoopAfter {
		_, err := h.Describe(ctx, &connectorv1.DescribeRequest{})
		if err == nil || errors.Is(err, pluginhost.ErrCrashLoop) {
			t.Fatalf("launch %d: %v, want a start failure", i+1, err)
		}
	}
	if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{}); !errors.Is(err, pluginhost.ErrCrashLoop) {
		t.Fatalf("err = %v, want crash loop", err)
	}
}

func TestStartTimeout(t *testing.T) {
	cfg := fastConfig(t)
	cfg.StartTimeout = 300 * time.Millisecond
	p := plugin(t, bins.connector)
	p.Env = []string{"TESTCONNECTOR_HANG_AT_START=1"}
	_, h := supervise(t, cfg, p)
	start := time.Now()
	_, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{})
	if err == nil || !strings.Contains(err.Error(), "did not complete its start-up within 300ms") {
		t.Fatalf("err = %v, want a start timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("launch gave up after %s", d)
	}
	if st := h.Status(); st.State != pluginhost.StateCrashed || st.Failures != 1 {
		t.Fatalf("status %+v, want a counted failure", st)
	}
}

func TestBackoffRespectsDeadline(t *testing.T) {
	cfg := fastConfig(t)
	cfg.MinBackoff, cfg.MaxBackoff, cfg.CrashLoopAfter = time.Hour, time.Hour, 10
	p := plugin(t, bins.connector)
	p.Env = []string{"TESTCONNECTOR_EXIT_AT_START=1"}
	_, h := supervise(t, cfg, p)
	// First failure: immediate relaunch allowed. Second: an hour's wait.
	for range 2 {
		h.Describe(context.Background(), &connectorv1.DescribeRequest{})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := h.Describe(ctx, &connectorv1.DescribeRequest{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "restarts in") {
		t.Fatalf("err = %v, want a deadline error naming the restart delay", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("call waited %s instead of failing at once", time.Since(start))
	}
}

func TestRemoveWakesCallWaitingForRestart(t *testing.T) {
	cfg := fastConfig(t)
	cfg.MinBackoff, cfg.MaxBackoff, cfg.CrashLoopAfter = time.Hour, time.Hour, 10
	p := plugin(t, bins.connector)
	p.Env = []string{"TESTCONNECTOR_EXIT_AT_START=1"}
	sup, h := supervise(t, cfg, p)
	for range 2 {
		h.Describe(context.Background(), &connectorv1.DescribeRequest{})
	}
	errc := make(chan error, 1)
	go func() {
		_, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{})
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the call start waiting
	start := time.Now()
	sup.Remove("test")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Remove took %s behind a backoff wait", d)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, pluginhost.ErrRemoved) {
			t.Fatalf("waiting call: %v, want ErrRemoved", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the waiting call was not woken by Remove")
	}
}

func TestUnknownProtocolIsRefused(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.v2))
	_, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{})
	var vm *wire.VersionMismatchError
	if !errors.As(err, &vm) || vm.ConnectorVersion != 2 {
		t.Fatalf("err = %v, want a VersionMismatchError for v2", err)
	}
	if !strings.Contains(err.Error(), "upgrade the idbridge host") {
		t.Errorf("error %q does not say which side to upgrade", err)
	}
	if st := h.Status(); st.State != pluginhost.StateRefused {
		t.Errorf("state %s, want refused", st.State)
	}
}

func TestPanickingHandlerKeepsServing(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.connector))
	ctx := context.Background()
	_, err := h.Invoke(ctx, &connectorv1.InvokeRequest{WebhookId: "panic"})
	if status.Code(err) != codes.Internal || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("err = %v, want an Internal error about the panic", err)
	}
	pid := h.Status().PID

	stream, err := h.Fetch(ctx, &connectorv1.FetchRequest{Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "panic"}})
	if err == nil {
		_, err = stream.Recv()
	}
	if status.Code(err) != codes.Internal {
		t.Fatalf("streaming panic: %v, want Internal", err)
	}

	if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{}); err != nil {
		t.Fatalf("call after panics: %v", err)
	}
	if st := h.Status(); st.PID != pid || st.Launches != 1 || st.Failures != 0 {
		t.Fatalf("the plugin restarted after a panic: %+v", st)
	}
}

func TestShutdownStopsEveryPlugin(t *testing.T) {
	sup := pluginhost.NewSupervisor(fastConfig(t))
	var pids []int
	for _, id := range []string{"a", "b", "c"} {
		h, err := sup.Add(id, plugin(t, bins.connector))
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, h.Status().PID)
	}
	if len(sup.Statuses()) != 3 {
		t.Fatalf("statuses: %+v", sup.Statuses())
	}
	h, _ := sup.Get("a")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sup.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if !gone(pid) {
			t.Errorf("plugin pid %d still running after Shutdown", pid)
		}
	}
	if _, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{}); !errors.Is(err, pluginhost.ErrRemoved) {
		t.Errorf("call after shutdown: %v, want ErrRemoved", err)
	}
	if _, err := sup.Add("d", plugin(t, bins.connector)); !errors.Is(err, pluginhost.ErrRemoved) {
		t.Errorf("Add after shutdown: %v", err)
	}
}

func TestStopIsNotACrash(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.connector))
	ctx := context.Background()
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	pid := h.Status().PID
	h.Stop()
	if st := h.Status(); st.State != pluginhost.StateStopped || st.Failures != 0 || !gone(pid) {
		t.Fatalf("after Stop: %+v (pid gone: %v)", st, gone(pid))
	}
	if _, err := h.Describe(ctx, &connectorv1.DescribeRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestHostKilledLeavesNoPlugin(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), minihostEnv+"="+bins.connector)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	pid, err := readPID(bufio.NewScanner(out))
	if err != nil {
		t.Fatal(err)
	}
	if pid == 0 || gone(pid) {
		t.Fatalf("plugin pid %d not running", pid)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: the host cannot clean up
		t.Fatal(err)
	}
	cmd.Wait()
	waitFor(t, 5*time.Second, "the orphaned plugin to exit", func() bool { return gone(pid) })
}

func TestMinimalEnvironment(t *testing.T) {
	t.Setenv("IDBRIDGE_TEST_SECRET", "must-not-leak")
	t.Setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
	t.Setenv("GOMEMLIMIT", "512MiB")
	_, h := supervise(t, fastConfig(t), plugin(t, bins.connector))
	resp, err := h.Invoke(context.Background(), &connectorv1.InvokeRequest{WebhookId: "env"})
	if err != nil {
		t.Fatal(err)
	}
	env := resp.Outputs.AsMap()
	for _, k := range []string{"IDBRIDGE_TEST_SECRET", "HOME", "PATH", "USER"} {
		if _, ok := env[k]; ok {
			t.Errorf("plugin environment has %s", k)
		}
	}
	if env["HTTPS_PROXY"] != "http://proxy.invalid:3128" {
		t.Errorf("HTTPS_PROXY not passed: %v", env["HTTPS_PROXY"])
	}
	if env["GOMEMLIMIT"] != "512MiB" {
		t.Errorf("GOMEMLIMIT not passed: %v", env["GOMEMLIMIT"])
	}
	if env["TMPDIR"] == nil {
		t.Errorf("TMPDIR missing")
	}
	if env["PLUGIN_CLIENT_CERT"] == nil {
		t.Errorf("mTLS is not on by default (no client certificate sent)")
	}
	if _, ok := env[wire.EnvServerKey]; ok {
		t.Errorf("the connector's TLS key stayed in its environment")
	}
	// The socket lives in a folder only this user can enter, removed with
	// the process.
	dir, _ := env["PLUGIN_UNIX_SOCKET_DIR"].(string)
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("socket folder %q: %v %v, want mode 0700", dir, st, err)
	}
	h.Stop()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("socket folder %s left behind after Stop: %v", dir, err)
	}
}

func TestMTLSWithGoPluginsOwnScheme(t *testing.T) {
	// A connector that ignores the certificate the host hands it and
	// answers with go-plugin's automatic mTLS still connects.
	p := plugin(t, bins.connector)
	p.Env = []string{"TESTCONNECTOR_GOPLUGIN_TLS=1"}
	_, h := supervise(t, fastConfig(t), p)
	if _, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestWithoutMTLS(t *testing.T) {
	cfg := fastConfig(t)
	cfg.DisableMTLS = true
	_, h := supervise(t, cfg, plugin(t, bins.connector))
	resp, err := h.Invoke(context.Background(), &connectorv1.InvokeRequest{WebhookId: "env"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := resp.Outputs.AsMap()["PLUGIN_CLIENT_CERT"]; ok {
		t.Error("a certificate was sent with mTLS disabled")
	}
}

func TestPluginLogsAreNamed(t *testing.T) {
	var buf testlog.Buffer
	cfg := fastConfig(t)
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Name: "host", Output: &buf, Level: hclog.Trace, JSONFormat: true})
	p := plugin(t, bins.connector)
	p.Name = "acme"
	_, h := supervise(t, cfg, p)
	if _, err := h.Invoke(context.Background(), &connectorv1.InvokeRequest{WebhookId: "panic"}); err == nil {
		t.Fatal("panic not reported")
	}
	// The plugin's own log line about the panic arrives under host.acme.
	waitFor(t, 3*time.Second, "the plugin's log line", func() bool {
		return strings.Contains(buf.String(), "connector handler panicked")
	})
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, "connector handler panicked") && !strings.Contains(line, `"@module":"host.acme`) {
			t.Fatalf("plugin log line not under host.acme: %s", line)
		}
	}
}

func TestConcurrentFirstCallsLaunchOnce(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.connector))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := h.Status().Launches; n != 1 {
		t.Fatalf("%d launches for concurrent first calls, want 1", n)
	}
}

func TestClockifyConnectorDescribes(t *testing.T) {
	_, h := supervise(t, fastConfig(t), plugin(t, bins.clockify))
	resp, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{HostProtocolVersion: wire.ProtocolVersion})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Info.GetId() != "clockify" || len(resp.Endpoints) == 0 || len(resp.Webhooks) == 0 {
		t.Fatalf("Clockify Describe: %v", resp.Info)
	}
	var secret bool
	for _, s := range resp.Settings {
		secret = secret || (s.Key == "apiKey" && s.Secret)
	}
	if !secret {
		t.Errorf("Clockify's apiKey setting is not declared secret")
	}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to+".tmp", raw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(to+".tmp", to); err != nil {
		t.Fatal(err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
