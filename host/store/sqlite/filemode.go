package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// fileMode is the mode of the database and its write-ahead log and
// shared-memory files: they hold sealed secrets, run records and the
// audit log, which are nobody else's business. See decision 0192.
const fileMode = 0o600

// privateFiles creates the database file with fileMode when it is missing
// and narrows it, and the -wal and -shm files beside it, when they are
// more open. SQLite gives the files it creates the database file's mode,
// so creating the database first is what keeps the others private.
func privateFiles(path string) error {
	if runtime.GOOS == "windows" {
		return nil // ACLs, not modes, protect files there
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return fmt.Errorf("create store %s: %w", path, err)
		}
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("create store %s: %w (the data folder must be writable by the user running idbridge)", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store file %s: %w", p, err)
		}
		if fi.Mode().Perm()&^fileMode != 0 {
			if err := os.Chmod(p, fileMode); err != nil {
				return fmt.Errorf("store file %s has mode %04o and could not be made private: %w (run chmod 600 on it)", p, fi.Mode().Perm(), err)
			}
		}
	}
	return nil
}
