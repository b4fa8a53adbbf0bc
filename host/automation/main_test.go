package automation_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// pluginPath is the real Clockify connector binary, built once for the
// end-to-end tests, which launch it through the plugin supervisor.
var pluginPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "automation-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pluginPath = filepath.Join(dir, "idbridge-clockify")
	if out, err := exec.Command("go", "build", "-o", pluginPath, "../../plugins/clockify/cmd/idbridge-clockify").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the Clockify connector: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
