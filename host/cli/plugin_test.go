//go:build !windows

package cli

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func buildTestConnector(t *testing.T, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg))
	if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, b)
	}
	return out
}

func TestPluginDescribe(t *testing.T) {
	bin := buildTestConnector(t, "../pluginhost/testdata/connector")

	code, out, errs := run(t, nil, "plugin", "describe", bin)
	if code != ExitOK {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{"Test connector (testconn) 1.2.3", "Protocol:      v1", "SHA-256:", "apiKey", "records", "echo", "fetch, invoke"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// The secret flag is shown per setting.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "apiKey") && !strings.Contains(line, "yes       yes") {
			t.Errorf("apiKey line does not show required and secret: %q", line)
		}
	}

	code, out, errs = run(t, nil, "plugin", "describe", bin, "--output", "json")
	if code != ExitOK {
		t.Fatalf("json: code %d: %s", code, errs)
	}
	var d struct {
		Info            struct{ ID string }
		ProtocolVersion int
		Settings        []struct {
			Key    string
			Secret bool
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if d.Info.ID != "testconn" || d.ProtocolVersion != 1 || len(d.Settings) != 2 || !d.Settings[1].Secret {
		t.Fatalf("json describe: %+v", d)
	}
}

func TestPluginDescribeRefusals(t *testing.T) {
	v2 := buildTestConnector(t, "../pluginhost/testdata/connector-v2")
	code, _, errs := run(t, nil, "plugin", "describe", v2)
	if code != ExitFailure || !strings.Contains(errs, "upgrade the idbridge host") {
		t.Fatalf("v2 connector: code %d, %q", code, errs)
	}
	code, _, errs = run(t, nil, "plugin", "describe", filepath.Join(t.TempDir(), "missing"))
	if code != ExitUsage || !strings.Contains(errs, "read the connector") {
		t.Fatalf("missing binary: code %d, %q", code, errs)
	}
}

func TestServeWritesTokenAndStopsCleanly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	data := filepath.Join(t.TempDir(), "data")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		var sink strings.Builder
		done <- Execute(ctx, []string{"serve", "--data", data, "--listen", addr}, &Globals{Out: &sink, Err: &sink, Env: func(string) string { return "" }})
	}()

	tokenFile := filepath.Join(data, "admin.token")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, _, _ := run(t, map[string]string{"IDBRIDGE_ADDR": "http://" + addr}, "token", "list", "--token-file", tokenFile); code == ExitOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve never answered with the token it wrote")
		}
		time.Sleep(50 * time.Millisecond)
	}
	st, err := os.Stat(tokenFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("admin.token: %v %v", st, err)
	}
	code, out, _ := run(t, map[string]string{"IDBRIDGE_ADDR": "http://" + addr}, "plugin", "status", "--token-file", tokenFile)
	if code != ExitOK || !strings.Contains(out, "STATE") {
		t.Fatalf("plugin status: %d %q", code, out)
	}

	cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("serve exited with %d after shutdown", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
