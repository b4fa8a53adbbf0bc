package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// extHost is an API server with the extension manager mounted, and an
// admin and an auditor token for it.
func extHost(t *testing.T) (addr, admin, auditor string) {
	t.Helper()
	ctx := context.Background()
	docs := store.NewMemoryDocs()
	tokens := api.NewTokens(docs)
	admin, _, err := tokens.Create(ctx, "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	auditor, _, err = tokens.Create(ctx, "reader", api.RoleAuditor)
	if err != nil {
		t.Fatal(err)
	}
	m, err := extensions.New(ctx, extensions.Config{DataDir: t.TempDir(), Docs: docs, HostVersion: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	return serveAPI(t, tokens, m), admin, auditor
}

func TestExtensionCommandsAgainstRealServer(t *testing.T) {
	addr, admin, auditor := extHost(t)
	env := map[string]string{"IDBRIDGE_ADDR": addr, "IDBRIDGE_TOKEN": admin}
	work := t.TempDir()
	key := filepath.Join(work, "keys", "market.key")
	mustRun := func(args ...string) string {
		t.Helper()
		code, out, errs := run(t, env, args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		return out
	}

	out := mustRun("ext", "keygen", key)
	if !strings.Contains(out, key+".pub") {
		t.Fatalf("keygen: %q", out)
	}
	if code, _, errs := run(t, env, "ext", "keygen", key); code != ExitConflict || !strings.Contains(errs, "never overwritten") {
		t.Fatalf("keygen over an existing key: %d %s", code, errs)
	}

	src := filepath.Join(work, "src")
	exttest.WriteDir(t, src, exttest.Spec{Version: "1.0.0"})
	file := filepath.Join(work, "sample-1.0.0.ext")
	// The placeholder binaries are no connectors, so pack cannot run them.
	if code, _, errs := run(t, env, "ext", "pack", src, "-o", file); code == ExitOK || !strings.Contains(errs, "check it against the manifest") {
		t.Fatalf("pack of a binary that cannot describe itself: %d %s", code, errs)
	}
	mustRun("ext", "pack", src, "-o", file, "--skip-describe")
	if code, _, errs := run(t, env, "ext", "install", file); code != 1 || !strings.Contains(errs, "not signed") {
		t.Fatalf("install of an unsigned archive: %d %s", code, errs)
	}
	mustRun("ext", "sign", file, "--key", key)
	mustRun("ext", "trust", "add", key+".pub", "--name", "test market")
	if out := mustRun("ext", "trust", "list"); !strings.Contains(out, "test market") {
		t.Fatalf("trust list: %q", out)
	}
	if out := mustRun("ext", "install", file); !strings.Contains(out, "Installed sample 1.0.0") || !strings.Contains(out, "verified") {
		t.Fatalf("install: %q", out)
	}
	if code, _, _ := run(t, env, "ext", "install", file); code != ExitConflict {
		t.Fatalf("second install: exit %d, want %d", code, ExitConflict)
	}
	readerEnv := map[string]string{"IDBRIDGE_ADDR": addr, "IDBRIDGE_TOKEN": auditor}
	if code, _, _ := run(t, readerEnv, "ext", "uninstall", "sample"); code != ExitAuth {
		t.Fatalf("auditor uninstall: exit %d, want %d", code, ExitAuth)
	}
	if code, out, _ := run(t, readerEnv, "ext", "list"); code != ExitOK || !strings.Contains(out, "sample") || !strings.Contains(out, "1.0.0") {
		t.Fatalf("list: %d %q", code, out)
	}
	var d extensions.Details
	if err := json.Unmarshal([]byte(mustRun("ext", "show", "sample", "-o", "json")), &d); err != nil || d.Version != "1.0.0" || d.Binary.SHA256 == "" {
		t.Fatalf("show: %+v %v", d, err)
	}

	// A catalog folder with a newer release, indexed and added to the host.
	market := filepath.Join(work, "market")
	if err := os.MkdirAll(market, 0o755); err != nil {
		t.Fatal(err)
	}
	src2 := filepath.Join(work, "src2")
	exttest.WriteDir(t, src2, exttest.Spec{Version: "1.1.0"})
	mustRun("ext", "pack", src2, "-o", filepath.Join(market, "sample-1.1.0.ext"), "--key", key, "--skip-describe")
	if out := mustRun("marketplace", "index", market); !strings.Contains(out, "1 extensions (1 versions)") {
		t.Fatalf("index: %q", out)
	}
	mustRun("marketplace", "add", "local", market)
	if out := mustRun("marketplace", "list", "--extensions"); !strings.Contains(out, "1.1.0") {
		t.Fatalf("marketplace list --extensions: %q", out)
	}
	if out := mustRun("ext", "upgrade", "sample"); !strings.Contains(out, "now at 1.1.0") {
		t.Fatalf("upgrade: %q", out)
	}
	if code, _, errs := run(t, env, "ext", "upgrade", "sample", file); code != ExitConflict || !strings.Contains(errs, "--allow-downgrade") {
		t.Fatalf("downgrade: %d %s", code, errs)
	}
	if out := mustRun("ext", "upgrade", "sample", file, "--allow-downgrade"); !strings.Contains(out, "now at 1.0.0") {
		t.Fatalf("allowed downgrade: %q", out)
	}
	mustRun("ext", "uninstall", "sample")
	if code, _, _ := run(t, env, "ext", "show", "sample"); code != ExitNotFound {
		t.Fatalf("show after uninstall: exit %d", code)
	}
	if out := mustRun("ext", "install", "sample", "--version", "1.1.0"); !strings.Contains(out, "Installed sample 1.1.0") {
		t.Fatalf("install by name: %q", out)
	}
	mustRun("marketplace", "remove", "local")
	if code, _, errs := run(t, env, "ext", "install", "missing.ext"); code != ExitUsage || !strings.Contains(errs, "no such file") {
		t.Fatalf("install of a missing file: %d %s", code, errs)
	}
}

// A publisher changing keys signs with the new key and names the old one;
// the archive's signature then carries the old key's endorsement, which
// hosts that pinned the old key follow.
func TestExtSignWithPreviousKeysEndorsesTheNewKey(t *testing.T) {
	work := t.TempDir()
	env := map[string]string{}
	keys := []string{filepath.Join(work, "k1.key"), filepath.Join(work, "k2.key"), filepath.Join(work, "k3.key")}
	for _, k := range keys {
		if code, _, errs := run(t, env, "ext", "keygen", k); code != ExitOK {
			t.Fatalf("keygen: %s", errs)
		}
	}
	src := filepath.Join(work, "src")
	exttest.WriteDir(t, src, exttest.Spec{})
	file := filepath.Join(work, "x.ext")
	if code, _, errs := run(t, env, "ext", "pack", src, "-o", file, "--skip-describe"); code != ExitOK {
		t.Fatalf("pack: %s", errs)
	}
	if code, _, errs := run(t, env, "ext", "sign", file, "--key", keys[2], "--previous-key", keys[0], "--previous-key", keys[1]); code != ExitOK {
		t.Fatalf("sign: %s", errs)
	}
	a, err := ext.Open(context.Background(), file, ext.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sig, err := ext.ParseSignature(a.SignatureBytes)
	if err != nil {
		t.Fatal(err)
	}
	first, err := ext.ReadPrivateKeyFile(keys[0])
	if err != nil {
		t.Fatal(err)
	}
	last, _ := ext.ReadPrivateKeyFile(keys[2])
	if len(sig.Rotations) != 2 || sig.KeyID != ext.KeyID(last.Public().(ed25519.PublicKey)) || !sig.Succeeds(first.Public().(ed25519.PublicKey)) {
		t.Fatalf("signature %+v does not lead from the first key to the last", sig)
	}
}
