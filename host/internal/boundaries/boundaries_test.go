package boundaries

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the checkout's root, where go.work joins its modules.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// listAll runs go list over every module of the checkout.
func listAll(t *testing.T) []Package {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports",
		"./...", "./sdk/...", "./proto/connector/...")
	cmd.Dir = repoRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestNoImportCrossesALine is the rule itself, over the real repository.
func TestNoImportCrossesALine(t *testing.T) {
	pkgs := listAll(t)
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[area(p.ImportPath)] = true
	}
	// The listing must reach every area, or the check proves nothing.
	for _, a := range []string{"host", "sdk", "proto", "plugins", "marketplace"} {
		if !seen[a] {
			t.Fatalf("go list found no package under %s/; the check would pass vacuously", a)
		}
	}
	if v := Violations(pkgs); len(v) > 0 {
		t.Errorf("imports cross the repository's boundaries (decisions 0201, 0206):\n%s", strings.Join(v, "\n"))
	}
}

// TestViolationsCatchesEachRule feeds the checker imports that break each
// rule, and ones that are allowed.
func TestViolationsCatchesEachRule(t *testing.T) {
	m := Module + "/"
	pkgs := []Package{
		{ImportPath: m + "sdk/connectortest", Imports: []string{m + "host/pluginhost"}},
		{ImportPath: m + "plugins/acme", XTestImports: []string{m + "host/cli"}},
		{ImportPath: m + "marketplace/ext", Imports: []string{m + "plugins/clockify"}},
		{ImportPath: m + "host/app", Imports: []string{m + "plugins/clockify/templates", m + "sdk", m + "marketplace/ext"}},
		{ImportPath: m + "host/api", Imports: []string{m + "host/sync/synctest"}},
		{ImportPath: m + "proto/connector/v1", Imports: []string{m + "sdk/wire"}},
		// A test-support package is compiled with the host: it keeps the host's rules.
		{ImportPath: m + "host/sync/synctest", Imports: []string{m + "plugins/clockify/sandbox"}},
		// Allowed: host tests using a sandbox and a test-support package.
		{ImportPath: m + "host/sync", TestImports: []string{m + "plugins/clockify/sandbox", m + "host/sync/synctest"}},
		{ImportPath: m + "host/inbound", XTestImports: []string{m + "plugins/clockify/sandbox", m + "host/sync/synctest"}},
		{ImportPath: m + "host/sync/synctest", TestImports: []string{m + "plugins/clockify/sandbox"}},
		{ImportPath: m + "plugins/scim", Imports: []string{m + "sdk", m + "proto/connector/v1"}},
	}
	got := Violations(pkgs)
	want := []string{
		m + "host/api imports " + m + "host/sync/synctest",
		m + "host/app imports " + m + "plugins/clockify/templates",
		m + "host/sync/synctest imports " + m + "plugins/clockify/sandbox",
		m + "marketplace/ext imports " + m + "plugins/clockify",
		m + "plugins/acme imports in tests " + m + "host/cli",
		m + "proto/connector/v1 imports " + m + "sdk/wire",
		m + "sdk/connectortest imports " + m + "host/pluginhost",
	}
	if len(got) != len(want) {
		t.Fatalf("violations:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]+":") {
			t.Errorf("violation %d = %q, want it to start %q", i, got[i], want[i])
		}
	}
}
