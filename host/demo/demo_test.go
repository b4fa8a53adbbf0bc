package demo_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/demo"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/extbuild"
)

// build compiles the binaries the demo runs, as `make build` does, and the
// signed extension for this platform, as `make ext` does.
func build(t *testing.T) (bin, dist, pub string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	bin = filepath.Join(work, "bin")
	for name, pkg := range map[string]string{"idbridge": "./host/cmd/idbridge", "clockify-sandbox": "./plugins/clockify/cmd/clockify-sandbox"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, name), pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := extbuild.Build(ctx, extbuild.Options{ModuleRoot: root, Version: "0.1.0", OutDir: filepath.Join(work, "dist"),
		KeyPath: filepath.Join(work, "keys", "dev.key"), Platforms: []string{ext.HostPlatform()}})
	if err != nil {
		t.Fatalf("build the Clockify extension: %v", err)
	}
	return bin, filepath.Join(work, "dist"), res.KeyPath + ".pub"
}

// TestDemoShortReport runs the whole demo as CI does (--short) and checks
// the report: the extension, the passing connection test, the stale
// accounts named by the plan, and every lifecycle outcome confirmed in the
// sandbox.
func TestDemoShortReport(t *testing.T) {
	bin, dist, pub := build(t)
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	work := filepath.Join(t.TempDir(), "demo")
	rep, err := demo.Run(ctx, demo.Options{Bin: bin, Dist: dist, PublicKey: pub, Work: work, Listen: "127.0.0.1:0", Short: true, Out: &out})
	if err != nil {
		t.Fatalf("demo: %v\n%s\nlogs in %s", err, out.String(), work)
	}
	text := out.String()
	t.Log(text)
	if !strings.HasPrefix(rep.Extension, "clockify 0.1.0") || !rep.Enabled || !rep.TestOK {
		t.Errorf("extension %q enabled %v test %v", rep.Extension, rep.Enabled, rep.TestOK)
	}
	want := map[string]string{"dennis.left@example.com": "user disabled", "olga.contractor@example.com": "no user", "tim.temp@example.com": "no user"}
	if len(rep.Orphans) != len(want) || rep.Plan.Orphans != len(want) {
		t.Errorf("orphans %+v (count %d), want %v", rep.Orphans, rep.Plan.Orphans, want)
	}
	for _, o := range rep.Orphans {
		if want[o.Account] != o.Why {
			t.Errorf("orphan %s: %q, want %q", o.Account, o.Why, want[o.Account])
		}
		if !strings.Contains(text, o.Account) {
			t.Errorf("the printed report does not name %s", o.Account)
		}
	}
	flows := map[string]int{}
	for _, o := range rep.Outcomes {
		flows[o.Flow]++
		if !o.OK {
			t.Errorf("%s of %s: %s -> %s", o.Flow, o.User, o.Before, o.After)
		}
		if o.Flow == "offboarding" && o.After != "INACTIVE" {
			t.Errorf("offboarded %s is %s in the sandbox", o.User, o.After)
		}
	}
	if flows["onboarding"] != 3 || flows["offboarding"] != 2 {
		t.Errorf("outcomes by flow %v", flows)
	}
	for _, s := range []string{"Integration test:      passed", "Stale accounts:", "[ok  ] onboarding  nora.quinn",
		"[ok  ] offboarding ken.sales", "Console:               http://127.0.0.1:", "admin.token"} {
		if !strings.Contains(text, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	// The API key the demo set (the sandbox prints it in its banner) is in
	// no line the host logged, nor in the audit entries it wrote.
	sbLog, err := os.ReadFile(filepath.Join(work, "logs", "clockify-sandbox.log"))
	if err != nil {
		t.Fatal(err)
	}
	key := ""
	for _, line := range strings.Split(string(sbLog), "\n") {
		if _, rest, ok := strings.Cut(line, "X-Api-Key cli-admin-key: "); ok {
			key, _, _ = strings.Cut(rest, " ")
		}
	}
	hostLog, err := os.ReadFile(filepath.Join(work, "logs", "idbridge-serve.log"))
	if err != nil || key == "" {
		t.Fatalf("read the logs: key %q, %v", key, err)
	}
	if strings.Contains(string(hostLog), key) || !strings.Contains(string(hostLog), "route=/v1/integrations/{id}/authorization") {
		t.Fatal("the host log holds the API key, or lacks the audit line of setting it")
	}
	if _, err := os.Stat(filepath.Join(work, "data", "idbridge.db")); err != nil {
		t.Errorf("the host's store is not in the demo's data folder: %v", err)
	}
}

// TestDemoNeedsTheBuild checks the messages that send a user to make
// build, make ext, or a fresh work folder.
func TestDemoNeedsTheBuild(t *testing.T) {
	empty := t.TempDir()
	ctx := context.Background()
	_, err := demo.Run(ctx, demo.Options{Bin: empty, Dist: empty, PublicKey: filepath.Join(empty, "k.pub")})
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("no binaries: %v", err)
	}
	for _, n := range []string{"idbridge", "clockify-sandbox"} {
		if err := os.WriteFile(filepath.Join(empty, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_, err = demo.Run(ctx, demo.Options{Bin: empty, Dist: empty, PublicKey: filepath.Join(empty, "k.pub")})
	if err == nil || !strings.Contains(err.Error(), "make ext") {
		t.Fatalf("no extension: %v", err)
	}
	if err := os.WriteFile(filepath.Join(empty, "x.ext"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = demo.Run(ctx, demo.Options{Bin: empty, Dist: empty, PublicKey: filepath.Join(empty, "k.pub")})
	if err == nil || !strings.Contains(err.Error(), "--key") {
		t.Fatalf("no key: %v", err)
	}
	if err := os.WriteFile(filepath.Join(empty, "k.pub"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = demo.Run(ctx, demo.Options{Bin: empty, Dist: empty, PublicKey: filepath.Join(empty, "k.pub"), Work: work})
	if err == nil || !strings.Contains(err.Error(), "fresh") {
		t.Fatalf("used work folder: %v", err)
	}
}
