//go:build !windows

package pluginhost_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// TestInterpretedConnectorIsPinnedFileByFile launches a connector through
// an "interpreter" (a shell that executes the script it is given, standing
// in for python3 or node) and checks that the script and every pinned file
// are compared with their hashes at each launch.
func TestInterpretedConnectorIsPinnedFileByFile(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "connector")
	copyFile(t, bins.connector, script)
	module := filepath.Join(dir, "lib", "module.py")
	if err := os.MkdirAll(filepath.Dir(module), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(module, []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, _ := pluginhost.FileSHA256(module)
	p := plugin(t, script)
	p.Interpreter = []string{"/bin/sh", "-c", `exec "$0"`}
	p.Pinned = map[string]string{"lib/module.py": sum}

	_, h := supervise(t, fastConfig(t), p)
	if _, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{}); err != nil {
		t.Fatalf("an intact interpreted connector: %v", err)
	}

	if err := os.WriteFile(module, []byte("x = 2  # changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, h = supervise(t, fastConfig(t), p)
	_, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{})
	var ce *pluginhost.ChecksumError
	if !errors.As(err, &ce) || ce.Path != module || !strings.Contains(err.Error(), "reinstall the extension") {
		t.Fatalf("a changed module: %v, want a ChecksumError naming %s", err, module)
	}
	if st := h.Status(); st.State != pluginhost.StateRefused || st.Launches != 0 {
		t.Fatalf("status %+v, want refused and never launched", st)
	}
}
