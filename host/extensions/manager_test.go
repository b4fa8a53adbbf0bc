package extensions_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

func install(t *testing.T, m *extensions.Manager, data []byte) *extensions.Record {
	t.Helper()
	rec, err := m.Install(context.Background(), extensions.Source{File: writeArchive(t, data)})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestInstallRecordsEveryFileAndPinsTheBinary(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	e.usage.uses["sample"] = []extensions.Usage{{IntegrationID: "i1", Name: "Clock EU", Enabled: true}}
	rec := install(t, e.m, newParts(key, "1.0.0").bytes(t))

	if rec.Signature != ext.StatusVerified || rec.KeyID != ext.KeyID(key.Public().(ed25519.PublicKey)) {
		t.Errorf("signature = %s %s", rec.Signature, rec.KeyID)
	}
	list, err := e.m.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != "sample" || list[0].Version != "1.0.0" || list[0].Publisher != "example" ||
		list[0].Signature != ext.StatusVerified || len(list[0].Integrations) != 1 || !list[0].Integrations[0].Enabled {
		t.Fatalf("list = %+v", list)
	}
	d, err := e.m.Show(ctx, "sample")
	if err != nil {
		t.Fatal(err)
	}
	// manifest.json, manifest.sig, README, icon and this platform's binary;
	// the other platform's binary is not written.
	if len(d.Files) != 5 {
		t.Errorf("recorded files = %+v", d.Files)
	}
	path, sum, err := e.m.BinaryPath(ctx, "sample")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if exttest.Sum(data) != sum {
		t.Errorf("BinaryPath hash %s does not match the file", sum)
	}
	if st, _ := os.Stat(path); st.Mode().Perm()&0o100 == 0 {
		t.Errorf("binary not executable: %v", st.Mode())
	}
	if err := e.m.CheckIntegrity(ctx, "sample"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("tampered"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := e.m.CheckIntegrity(ctx, "sample"); !errors.Is(err, extensions.ErrFilesChanged) || !strings.Contains(err.Error(), "idbridge-sample") {
		t.Fatalf("CheckIntegrity after tampering: %v", err)
	}
	if _, err := e.m.Show(ctx, "nope"); !errors.Is(err, extensions.ErrNotInstalled) {
		t.Fatalf("Show of an unknown id: %v", err)
	}
}

// failingHost is a manager trusting key whose store fails to record
// extensions once armed.
func failingHost(t *testing.T, key ed25519.PrivateKey) (string, *failingDocs, *extensions.Manager) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	docs := &failingDocs{Docs: store.NewMemoryDocs()}
	m, err := extensions.New(context.Background(), extensions.Config{DataDir: dir, Docs: docs, HostVersion: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	trust(t, m, key)
	return dir, docs, m
}

// failingDocs fails every Put of an extension record once armed.
type failingDocs struct {
	store.Docs
	armed bool
}

func (f *failingDocs) Put(ctx context.Context, kind, id string, v any) error {
	if f.armed && kind == "extension" {
		return errors.New("disk full")
	}
	return f.Docs.Put(ctx, kind, id, v)
}

func TestFailedUpgradeKeepsTheInstalledReleaseWorking(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	dir, docs, m := failingHost(t, key)
	install(t, m, newParts(key, "1.0.0").bytes(t))
	oldPath, oldSum, _ := m.BinaryPath(ctx, "sample")
	before := tree(t, dir)

	docs.armed = true
	_, err := m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: writeArchive(t, newParts(key, "1.1.0").bytes(t))}})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("upgrade with a failing store: %v", err)
	}
	if after := tree(t, dir); after != before {
		t.Errorf("a failed upgrade left files behind:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	p, sum, err := m.BinaryPath(ctx, "sample")
	if err != nil || p != oldPath || sum != oldSum {
		t.Fatalf("after a failed upgrade BinaryPath = %s %s %v, want the old release", p, sum, err)
	}
	if err := m.CheckIntegrity(ctx, "sample"); err != nil {
		t.Fatalf("old release damaged: %v", err)
	}

	docs.armed = false
	rec, err := m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: writeArchive(t, newParts(key, "1.1.0").bytes(t))}})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != "1.1.0" {
		t.Fatalf("version after upgrade = %s", rec.Version)
	}
	if _, err := os.Stat(oldPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old release still on disk: %v", err)
	}
}

func TestUpgradeRules(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	install(t, e.m, newParts(key, "2.0.0").bytes(t))
	older := writeArchive(t, newParts(key, "1.5.0").bytes(t))

	if _, err := e.m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: older}}); !errors.Is(err, extensions.ErrDowngrade) {
		t.Fatalf("downgrade: %v", err)
	}
	rec, err := e.m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: older}, AllowDowngrade: true})
	if err != nil || rec.Version != "1.5.0" {
		t.Fatalf("allowed downgrade: %v %v", rec, err)
	}
	p := newParts(key, "3.0.0")
	p.man.ID = "another"
	if _, err := e.m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: writeArchive(t, p.bytes(t))}}); !errors.Is(err, extensions.ErrIDMismatch) {
		t.Fatalf("upgrade with another extension: %v", err)
	}
	if _, err := e.m.Upgrade(ctx, "missing", extensions.UpgradeOptions{}); !errors.Is(err, extensions.ErrNotInstalled) {
		t.Fatalf("upgrade of a missing extension: %v", err)
	}
}

func TestUninstall(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	install(t, e.m, newParts(key, "1.0.0").bytes(t))
	binPath, _, _ := e.m.BinaryPath(ctx, "sample")
	e.usage.uses["sample"] = []extensions.Usage{{IntegrationID: "i1", Name: "Clock EU", Enabled: true}}

	err := e.m.Uninstall(ctx, "sample", extensions.UninstallOptions{})
	if !errors.Is(err, extensions.ErrInUse) || !strings.Contains(err.Error(), "Clock EU") {
		t.Fatalf("uninstall while enabled: %v", err)
	}
	// Disabled integrations do not block, and without purge their
	// configuration is kept.
	e.usage.uses["sample"][0].Enabled = false
	if err := e.m.Uninstall(ctx, "sample", extensions.UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(e.usage.purged) != 0 || len(e.usage.uses["sample"]) != 1 {
		t.Fatalf("configuration touched without purge: %v", e.usage.purged)
	}
	if _, err := os.Stat(binPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("binary still there: %v", err)
	}
	if _, err := e.m.Show(ctx, "sample"); !errors.Is(err, extensions.ErrNotInstalled) {
		t.Fatalf("record still there: %v", err)
	}

	install(t, e.m, newParts(key, "1.0.0").bytes(t))
	e.usage.uses["sample"][0].Enabled = true
	if err := e.m.Uninstall(ctx, "sample", extensions.UninstallOptions{Force: true, Purge: true}); err != nil {
		t.Fatal(err)
	}
	if len(e.usage.purged) != 1 || e.usage.purged[0] != "sample" {
		t.Fatalf("purge not passed on: %v", e.usage.purged)
	}
	if entries, _ := os.ReadDir(filepath.Join(e.dir, "extensions")); len(entries) != 1 || entries[0].Name() != ".staging" {
		t.Fatalf("extensions folder not empty after uninstall: %v", entries)
	}
}

func TestNewSweepsWhatAnInterruptedInstallLeft(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	install(t, e.m, newParts(key, "1.0.0").bytes(t))
	live, _, _ := e.m.BinaryPath(ctx, "sample")
	root := filepath.Join(e.dir, "extensions")
	for _, p := range []string{".staging/sample-123/bin/x", "sample/0.9.0-deadbeef/README.md", "ghost/1.0.0-cafe/README.md"} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.open(t, ext.Limits{})
	for _, gone := range []string{".staging/sample-123", "sample/0.9.0-deadbeef", "ghost"} {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(gone))); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived the sweep: %v", gone, err)
		}
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the live release was swept: %v", err)
	}
}

func TestTrustPolicy(t *testing.T) {
	ctx := context.Background()
	key, stranger := exttest.Key(t), exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	unsigned := newParts(nil, "1.0.0").bytes(t)
	if _, err := e.m.Install(ctx, extensions.Source{File: writeArchive(t, unsigned)}); !errors.Is(err, ext.ErrUnsigned) {
		t.Fatalf("unsigned: %v", err)
	}
	if err := e.m.AllowPublisher(ctx, "example", true); err != nil {
		t.Fatal(err)
	}
	rec := install(t, e.m, unsigned)
	if rec.Signature != ext.StatusUnsignedAllowed {
		t.Fatalf("status = %s", rec.Signature)
	}
	if err := e.m.Uninstall(ctx, "sample", extensions.UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	rec = install(t, e.m, newParts(stranger, "1.0.0").bytes(t))
	if rec.Signature != ext.StatusUntrustedAllowed || rec.KeyID != ext.KeyID(stranger.Public().(ed25519.PublicKey)) {
		t.Fatalf("status = %s %s", rec.Signature, rec.KeyID)
	}
	if err := e.m.Uninstall(ctx, "sample", extensions.UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	// A trusted key's signature that does not match is tampering, refused
	// even for an allowed publisher.
	p := newParts(key, "1.0.0")
	other, _ := newParts(key, "7.0.0").man.Marshal()
	p.rawSig = ext.SignManifest(other, key).Marshal()
	if _, err := e.m.Install(ctx, extensions.Source{File: writeArchive(t, p.bytes(t))}); !errors.Is(err, ext.ErrBadSignature) {
		t.Fatalf("bad signature from an allowed publisher: %v", err)
	}
	// Withdrawing trust applies at once.
	if err := e.m.AllowPublisher(ctx, "example", false); err != nil {
		t.Fatal(err)
	}
	if err := e.m.DistrustKey(ctx, ext.KeyID(key.Public().(ed25519.PublicKey))); err != nil {
		t.Fatal(err)
	}
	if _, err := e.m.Install(ctx, extensions.Source{File: writeArchive(t, newParts(key, "1.0.0").bytes(t))}); !errors.Is(err, ext.ErrUntrustedKey) {
		t.Fatalf("after distrusting the key: %v", err)
	}
}

func TestInstallFromURL(t *testing.T) {
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	data := newParts(key, "1.0.0").bytes(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sample.ext" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
	}))
	defer srv.Close()
	rec, err := e.m.Install(context.Background(), extensions.Source{URL: srv.URL + "/sample.ext"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Source != srv.URL+"/sample.ext" || rec.ArchiveSHA256 != exttest.Sum(data) {
		t.Fatalf("record = %+v", rec)
	}
	if _, err := e.m.Upgrade(context.Background(), "sample", extensions.UpgradeOptions{Source: extensions.Source{URL: srv.URL + "/missing.ext"}}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("download of a missing file: %v", err)
	}
	if _, err := e.m.Install(context.Background(), extensions.Source{}); !errors.Is(err, extensions.ErrNoSource) {
		t.Fatalf("no source: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(e.dir, "extensions", ".staging")); len(entries) != 0 {
		t.Fatalf("downloads left in staging: %v", entries)
	}
}

func TestChangedHookAndLateUsage(t *testing.T) {
	ctx := context.Background()
	key := exttest.Key(t)
	var events []string
	m, err := extensions.New(ctx, extensions.Config{
		DataDir: filepath.Join(t.TempDir(), "data"), Docs: store.NewMemoryDocs(), HostVersion: "1.0.0",
		Changed: func(_ context.Context, id string, rec *extensions.Record) {
			v := "removed"
			if rec != nil {
				v = rec.Version
			}
			events = append(events, id+" "+v)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := ext.MarshalPublicKey(key.Public().(ed25519.PublicKey))
	if _, err := m.TrustKey(ctx, "k", pem); err != nil {
		t.Fatal(err)
	}
	install(t, m, newParts(key, "1.0.0").bytes(t))
	if _, err := m.Upgrade(ctx, "sample", extensions.UpgradeOptions{Source: extensions.Source{File: writeArchive(t, newParts(key, "1.1.0").bytes(t))}}); err != nil {
		t.Fatal(err)
	}
	// The integrations service arrives after the manager was built.
	usage := &fakeUsage{uses: map[string][]extensions.Usage{"sample": {{IntegrationID: "i", Name: "EU", Enabled: true}}}}
	m.SetUsage(usage)
	if err := m.Uninstall(ctx, "sample", extensions.UninstallOptions{}); !errors.Is(err, extensions.ErrInUse) {
		t.Fatalf("uninstall with a late usage checker: %v", err)
	}
	if err := m.Uninstall(ctx, "sample", extensions.UninstallOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(events, ", "); got != "sample 1.0.0, sample 1.1.0, sample removed" {
		t.Fatalf("events = %s", got)
	}
}

func TestCanceledInstallLeavesNothing(t *testing.T) {
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	before := tree(t, e.dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.m.Install(ctx, extensions.Source{File: writeArchive(t, newParts(key, "1.0.0").bytes(t))})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("install with a canceled context: %v", err)
	}
	if after := tree(t, e.dir); after != before {
		t.Fatalf("a canceled install left files:\n%s", after)
	}
}
