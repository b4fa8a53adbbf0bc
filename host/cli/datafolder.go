package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/datalock"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// offlineFolder is a stopped host's data folder held by an offline
// command (store copy, secrets rotate-key) for as long as it works there.
// Both commands change or read the store behind the host's back, so both
// need the same guarantees, taken in the same order; one helper gives
// them so that a fix to one command's checks is a fix to both.
// See decision 0285.
type offlineFolder struct {
	// dir is the data folder; dbPath its SQLite store.
	dir, dbPath string
	// key is the master key the host would start with, and keySource
	// where it came from.
	key       []byte
	keySource secrets.KeySource

	lock *datalock.Lock
}

// holdOfflineFolder checks that dir holds a store, reads its master key as
// the host would, takes the folder's lock and makes sure no process has
// the store open. The lock is held until release, so a host cannot start
// on the folder half-way; the store probe also catches a host too old to
// take the lock. flags names where dir came from on the command line
// (e.g. "--data or IDBRIDGE_DATA"), for the error when it holds no store.
// Each error says what to do: pass the right folder, stop the host that
// holds the folder (datalock.ErrInUse) or has the store open
// (ErrStoreInUse), or give the master key.
func holdOfflineFolder(ctx context.Context, dir, flags string, getenv func(string) string) (*offlineFolder, error) {
	dbPath := filepath.Join(dir, sqlite.FileName)
	if _, err := os.Stat(dbPath); err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf(
			"no store at %s (%w): pass the data folder the host runs with (%s)", dbPath, err, flags)}
	}
	key, src, err := secrets.ReadMasterKey(dir, getenv)
	if err != nil {
		return nil, fmt.Errorf("the master key of %s: %w", dir, err)
	}
	lock, err := datalock.Acquire(dir)
	if err != nil {
		return nil, err
	}
	if err := checkStoreIdle(ctx, dbPath); err != nil {
		_ = lock.Release()
		return nil, err
	}
	return &offlineFolder{dir: dir, dbPath: dbPath, key: key, keySource: src, lock: lock}, nil
}

// openStore opens the folder's store, logging through log.
func (f *offlineFolder) openStore(ctx context.Context, log hclog.Logger) (*sqlite.Store, error) {
	st, err := sqlite.Open(ctx, f.dbPath, sqlite.Options{Logger: log.Named("store")})
	if err != nil {
		return nil, fmt.Errorf("open the store in %s: %w", f.dir, err)
	}
	return st, nil
}

// release lets the folder go; close the store first.
func (f *offlineFolder) release() { _ = f.lock.Release() }
