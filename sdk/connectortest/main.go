package connectortest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Main builds the connector command in pkg (for example
// "./cmd/idbridge-myapp") once for a package's tests, stores the binary's
// path in path, runs the tests and exits with their outcome, removing the
// binary first. Building once keeps every test that launches the real
// binary (Config.Plugin, Plugin, Launch) from paying for a build. Call it
// from TestMain:
//
//	var pluginPath string
//
//	func TestMain(m *testing.M) { connectortest.Main(m, "./cmd/idbridge-myapp", &pluginPath) }
//
// A build that fails ends the run before any test, with the compiler's
// output.
func Main(m *testing.M, pkg string, path *string) {
	os.Exit(buildAndRun(pkg, path, m.Run))
}

// buildAndRun is Main without the exit, so that the deferred removal runs.
func buildAndRun(pkg string, path *string, run func() int) int {
	dir, err := os.MkdirTemp("", "idbridge-connector-test")
	if err != nil {
		fmt.Fprintf(os.Stderr, "connectortest: a folder for the connector binary: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	*path = filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", *path, pkg).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "connectortest: build the connector %s: %v\n%s", pkg, err, out)
		return 1
	}
	return run()
}
