package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrStoreInUse means another process has the store open: the host is
// running on this data folder. Offline commands refuse to work then.
var ErrStoreInUse = errors.New("the store is open in another process: stop the host that runs on this data folder, then run this command again")

// checkStoreIdle reports ErrStoreInUse when another process has the
// SQLite store at path open. The host keeps a connection open for as long
// as it runs, and every connection to a WAL database holds a shared lock
// on the file; a connection in exclusive locking mode cannot begin an
// exclusive transaction while that lock is held, and waits for nothing
// with busy_timeout 0. The probe writes nothing and lets go at once.
func checkStoreIdle(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	q := url.Values{}
	q.Set("mode", "rw") // never create a store that is not there
	q.Add("_pragma", "busy_timeout(0)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}).String())
	if err != nil {
		return fmt.Errorf("open the store %s: %w", abs, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return storeProbeError(abs, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		return storeProbeError(abs, err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		return storeProbeError(abs, err)
	}
	return nil
}

// storeProbeError turns SQLite's busy and locked codes into ErrStoreInUse.
func storeProbeError(path string, err error) error {
	var se *sqlitedrv.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%s: %w", path, ErrStoreInUse)
		}
	}
	return fmt.Errorf("open the store %s: %w", path, err)
}
