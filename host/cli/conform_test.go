package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// TestDescribeTakesAnExtensionFolder launches a connector from a packaging
// folder whose manifest names this platform's binary, and refuses folders
// that name nothing runnable, or no manifest at all, as usage errors.
func TestDescribeTakesAnExtensionFolder(t *testing.T) {
	bin := buildTestConnector(t, "../pluginhost/testdata/connector")
	dir := t.TempDir()
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "conn"), raw, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := func(platforms string) {
		m := `{"id":"testconn","name":"T","version":"1.0.0","publisher":"example","description":"d","protocol_versions":[1],` +
			`"host_version":">= 0.1.0","platforms":` + platforms + `,"readme":"README.md","icon":"icon.svg"}`
		if err := os.WriteFile(filepath.Join(dir, ext.ManifestName), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	manifest(`{"` + ext.HostPlatform() + `":{"path":"bin/conn"}}`)
	code, out, errs := run(t, nil, "plugin", "describe", dir)
	if code != ExitOK || !strings.Contains(out, "testconn") {
		t.Fatalf("describe of a folder: exit %d\n%s%s", code, out, errs)
	}

	manifest(`{"plan9/386":{"path":"bin/conn"}}`)
	if code, _, errs := run(t, nil, "plugin", "describe", dir); code != ExitUsage || !strings.Contains(errs, "neither a runtime nor a binary for "+ext.HostPlatform()) {
		t.Fatalf("a folder without this platform's binary: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, nil, "plugin", "conform", t.TempDir(), "--app-url", "http://127.0.0.1:1"); code != ExitUsage || !strings.Contains(errs, "without manifest.json") {
		t.Fatalf("a folder without a manifest: exit %d: %s", code, errs)
	}
}
