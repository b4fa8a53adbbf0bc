package connectortest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestConnectorOutsideTheRepository is an author's first hour: a connector
// in a folder of its own, whose go.mod requires only the SDK (replaced by
// this checkout, as before a release is tagged), made tidy and built with
// the module cache alone, then put through the whole kit as a binary.
func TestConnectorOutsideTheRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module from scratch")
	}
	sdkDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	protoDir := filepath.Join(sdkDir, "..", "proto", "connector")
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "outside", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	gomod := fmt.Sprintf(`module example.com/idbridge-tiny

go 1.26.0

require github.com/idbridge/idbridge/sdk v0.0.0

replace (
	github.com/idbridge/idbridge/sdk => %s
	github.com/idbridge/idbridge/proto/connector => %s
)
`, sdkDir, protoDir)
	for name, body := range map[string][]byte{"main.go": src, "go.mod": []byte(gomod)} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Offline: nothing but the module cache. The cache's content was
	// verified when it was downloaded, so the checksum database is not
	// asked again.
	env := append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	gorun := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	gorun("mod", "tidy")
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The connector's dependencies are the SDK's, never the host's.
	for _, hostOnly := range []string{"modernc.org/sqlite", "cel.dev/cel-go", "chromedp", "go-ldap", "github.com/idbridge/idbridge v"} {
		if strings.Contains(string(mod), hostOnly) {
			t.Errorf("the tidied go.mod requires %s, a dependency of the host:\n%s", hostOnly, mod)
		}
	}
	bin := filepath.Join(dir, "idbridge-tiny")
	gorun("build", "-o", bin, ".")

	srv := tinyApp(t)
	Run(t, Config{
		Plugin:         bin,
		Settings:       map[string]string{"ws": "ws1", "base": srv.URL + "/api", "apiKey": "tiny-key-123"},
		BaseURLSetting: "base",
		Samples:        map[string]map[string]string{"add": {"email": `o'"brien@x.io`}},
	})
}
