package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/datalock"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// TestHoldOfflineFolderRefusesWithTheFix checks each refusal of the
// helper both offline commands open the data folder with: every error
// says what to do, and a refusal leaves the folder free.
func TestHoldOfflineFolderRefusesWithTheFix(t *testing.T) {
	ctx := context.Background()
	noEnv := func(string) string { return "" }

	empty := t.TempDir()
	_, err := holdOfflineFolder(ctx, empty, "--from", noEnv)
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != ExitUsage || !strings.Contains(err.Error(), "pass the data folder the host runs with (--from)") {
		t.Fatalf("a folder without a store: %v", err)
	}

	keyless := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(keyless, sqlite.FileName), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = holdOfflineFolder(ctx, keyless, "--data", noEnv)
	if !errors.Is(err, secrets.ErrNoMasterKey) || !strings.Contains(err.Error(), keyless) {
		t.Fatalf("a folder without a master key: %v", err)
	}

	dir, _ := rotationData(t, "")
	held, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = holdOfflineFolder(ctx, dir, "--data", noEnv)
	if !errors.Is(err, datalock.ErrInUse) || !strings.Contains(err.Error(), "stop it") {
		t.Fatalf("a folder another process holds: %v", err)
	}
	if err := held.Release(); err != nil {
		t.Fatal(err)
	}

	hostStore, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	_ = hostStore.Get(ctx, "integration", "clockify-main", &doc) // the host reads as it runs
	_, err = holdOfflineFolder(ctx, dir, "--data", noEnv)
	if cerr := hostStore.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if !errors.Is(err, ErrStoreInUse) {
		t.Fatalf("a store another process has open: %v", err)
	}
	// The refusal let the folder go.
	again, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatalf("a refused hold kept the folder: %v", err)
	}
	_ = again.Release()
}

// TestHoldOfflineFolderHoldsUntilReleased: the folder is held from the
// checks to release, with the host's key, and its store opens meanwhile.
func TestHoldOfflineFolderHoldsUntilReleased(t *testing.T) {
	ctx := context.Background()
	dir, key := rotationData(t, "")
	f, err := holdOfflineFolder(ctx, dir, "--data", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if string(f.key) != string(key) || f.keySource != secrets.FromFile {
		t.Fatalf("the folder's key: source %q, same key %v", f.keySource, string(f.key) == string(key))
	}
	if _, err := datalock.Acquire(dir); !errors.Is(err, datalock.ErrInUse) {
		t.Fatalf("a held folder was taken again: %v", err)
	}
	st, err := f.openStore(ctx, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	f.release()
	again, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = again.Release()
}
