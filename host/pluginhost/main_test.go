//go:build !windows

package pluginhost_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Binaries built once for the whole test run.
var bins struct {
	dir       string
	connector string // testdata/connector
	v2        string // testdata/connector-v2
	clockify  string // the real Clockify connector
}

// minihostEnv turns the test binary into a small host program: it launches
// the connector named by the variable, prints the plugin's pid and waits to
// be killed. The host-death test runs it as a child and kills it with
// SIGKILL.
const minihostEnv = "PLUGINHOST_TEST_MINIHOST"

func TestMain(m *testing.M) {
	if path := os.Getenv(minihostEnv); path != "" {
		os.Exit(minihost(path))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "pluginhost-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bins.dir = dir
	build := func(pkg, name string) string {
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n", pkg, err)
			os.Exit(1)
		}
		return out
	}
	bins.connector = build("./testdata/connector", "testconn")
	bins.v2 = build("./testdata/connector-v2", "testconn-v2")
	bins.clockify = build("../../plugins/clockify/cmd/idbridge-clockify", "idbridge-clockify")
	return m.Run()
}

func minihost(path string) int {
	sum, err := pluginhost.FileSHA256(path)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	sup := pluginhost.NewSupervisor(pluginhost.Config{})
	h, err := sup.Add("c", pluginhost.Plugin{Name: "c", Path: path, SHA256: sum})
	if err == nil {
		_, err = h.Describe(context.Background(), &connectorv1.DescribeRequest{})
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("pid", h.Status().PID)
	time.Sleep(time.Minute) // killed long before
	return 0
}

// plugin returns the Plugin for a built binary with its correct checksum.
func plugin(t testing.TB, path string) pluginhost.Plugin {
	t.Helper()
	sum, err := pluginhost.FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return pluginhost.Plugin{Name: filepath.Base(path), Path: path, SHA256: sum}
}

// fastConfig keeps the backoff short so the tests do not wait.
func fastConfig(t testing.TB) pluginhost.Config {
	return pluginhost.Config{
		MinBackoff:       20 * time.Millisecond,
		MaxBackoff:       80 * time.Millisecond,
		CrashLoopAfter:   3,
		ExitPollInterval: 20 * time.Millisecond,
		StartTimeout:     10 * time.Second,
	}
}

// supervise adds p to a new supervisor that is shut down with the test.
func supervise(t testing.TB, cfg pluginhost.Config, p pluginhost.Plugin) (*pluginhost.Supervisor, *pluginhost.Handle) {
	t.Helper()
	sup := pluginhost.NewSupervisor(cfg)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sup.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	h, err := sup.Add("test", p)
	if err != nil {
		t.Fatal(err)
	}
	return sup, h
}

// waitFor polls cond for up to d.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// gone reports whether pid no longer runs. A zombie counts as gone: it has
// exited and only waits for its new parent to reap it.
func gone(pid int) bool {
	if runtime.GOOS != "linux" {
		p, err := os.FindProcess(pid)
		return err != nil || p.Signal(syscallZero) != nil
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the command name in parentheses.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] == 'Z' || s[i+2] == 'X'
}

// readPID reads the "pid N" line the minihost prints.
func readPID(sc *bufio.Scanner) (int, error) {
	for sc.Scan() {
		line := sc.Text()
		var pid int
		if _, err := fmt.Sscanf(line, "pid %d", &pid); err == nil {
			return pid, nil
		}
		if strings.HasPrefix(line, "error:") {
			return 0, fmt.Errorf("minihost: %s", line)
		}
	}
	return 0, fmt.Errorf("minihost printed no pid: %v", sc.Err())
}
