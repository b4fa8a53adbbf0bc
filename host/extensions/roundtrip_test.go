package extensions_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/extbuild"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// moduleRoot is the repository root, where extbuild runs go build.
func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from the test's folder: %v", err)
	}
	return root
}

// buildClockify builds the Clockify .ext into dir exactly as `make ext`
// does, signed with the key at keyPath (created on first use). With -short
// only this platform's binary is compiled.
func buildClockify(t testing.TB, dir, keyPath, version string) *extbuild.Result {
	t.Helper()
	opts := extbuild.Options{ModuleRoot: moduleRoot(t), Version: version, OutDir: dir, KeyPath: keyPath}
	if testing.Short() {
		opts.Platforms = []string{ext.HostPlatform()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	res, err := extbuild.Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestClockifyRoundTrip is the admin's whole path: the Clockify extension
// built by the make-ext code, published by the marketplace server,
// installed by name into a fresh host, listed, launched and described
// through the plugin supervisor, upgraded and uninstalled.
func TestClockifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	work := t.TempDir()
	market := filepath.Join(work, "market")
	keyPath := filepath.Join(work, "keys", "dev.key")
	first := buildClockify(t, market, keyPath, "0.1.0")
	if len(first.Manifest.Platforms) < 1 || first.Manifest.Platforms[ext.HostPlatform()].SHA256 == "" {
		t.Fatalf("built manifest: %+v", first.Manifest.Platforms)
	}
	shipped := map[string]bool{}
	for _, f := range first.Manifest.Files {
		shipped[f.Path] = true
	}
	for _, name := range []string{"templates/onboarding.json", "templates/move.json", "templates/offboarding.json", "templates/return.json"} {
		if !shipped[name] {
			t.Errorf("the extension does not ship the lifecycle template %s; files: %v", name, first.Manifest.Files)
		}
	}
	if !testing.Short() && len(first.Manifest.Platforms) != len(extbuild.DefaultPlatforms) {
		t.Fatalf("platforms = %d, want %d", len(first.Manifest.Platforms), len(extbuild.DefaultPlatforms))
	}
	if _, err := catalog.WriteFile(ctx, market); err != nil {
		t.Fatal(err)
	}

	// The marketplace server, on loopback.
	serveCtx, stopServe := context.WithCancel(ctx)
	addrc := make(chan net.Addr, 1)
	served := make(chan error, 1)
	go func() { served <- catalog.Serve(serveCtx, market, "127.0.0.1:0", nil, func(a net.Addr) { addrc <- a }) }()
	defer func() {
		stopServe()
		if err := <-served; err != nil {
			t.Errorf("marketplace server: %v", err)
		}
	}()
	url := "http://" + (<-addrc).String()

	// A fresh host that trusts the marketplace's key.
	m, err := extensions.New(ctx, extensions.Config{DataDir: filepath.Join(work, "host"), Docs: store.NewMemoryDocs()})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(keyPath + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.TrustKey(ctx, "dev marketplace", pub); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AddCatalog(ctx, "dev", url); err != nil {
		t.Fatal(err)
	}
	rec, err := m.Install(ctx, extensions.Source{Name: "clockify"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != "0.1.0" || rec.Signature != ext.StatusVerified || rec.KeyID != first.KeyID || rec.Source != "catalog:"+url {
		t.Fatalf("installed record = %+v", rec)
	}
	list, err := m.List(ctx)
	if err != nil || len(list) != 1 || list[0].ID != "clockify" || list[0].Publisher != "idbridge" {
		t.Fatalf("list = %+v %v", list, err)
	}

	sup := pluginhost.NewSupervisor(pluginhost.Config{})
	defer func() { _ = sup.Shutdown(context.Background()) }()
	describe := func(wantVersion string) {
		t.Helper()
		path, sum, err := m.BinaryPath(ctx, "clockify")
		if err != nil {
			t.Fatal(err)
		}
		h, err := sup.Add("clockify", pluginhost.Plugin{Name: "clockify", Path: path, SHA256: sum})
		if err != nil {
			t.Fatal(err)
		}
		callCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		d, err := h.Describe(callCtx, &connectorv1.DescribeRequest{HostProtocolVersion: 1})
		if err != nil {
			t.Fatalf("describe %s: %v", wantVersion, err)
		}
		if d.GetInfo().GetId() != "clockify" || len(d.GetEndpoints()) == 0 {
			t.Fatalf("describe = %v", d.GetInfo())
		}
		t.Logf("installed %s, connector reports %s %s with %d endpoints and %d webhooks", wantVersion,
			d.GetInfo().GetId(), d.GetInfo().GetVersion(), len(d.GetEndpoints()), len(d.GetWebhooks()))
	}
	describe("0.1.0")

	// A newer release appears in the marketplace; upgrade picks it.
	buildClockify(t, market, keyPath, "0.1.1")
	if _, err := catalog.WriteFile(ctx, market); err != nil {
		t.Fatal(err)
	}
	sup.Remove("clockify")
	rec, err = m.Upgrade(ctx, "clockify", extensions.UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != "0.1.1" {
		t.Fatalf("upgraded to %s", rec.Version)
	}
	describe("0.1.1")
	sup.Remove("clockify")

	if err := m.Uninstall(ctx, "clockify", extensions.UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(work, "host", "extensions"))
	if err != nil || len(entries) != 1 || entries[0].Name() != ".staging" {
		t.Fatalf("after uninstall the extensions folder holds %v (%v)", entries, err)
	}
	if _, _, err := m.BinaryPath(ctx, "clockify"); err == nil {
		t.Fatal("BinaryPath still answers after uninstall")
	}
}
