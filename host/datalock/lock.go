package datalock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FileName is the lock file in a data folder. It stays after a process
// ends; only the lock on it says whether the folder is in use.
const FileName = "idbridge.lock"

// ErrInUse means another process holds the data folder.
var ErrInUse = errors.New("another idbridge process works on this data folder: stop it (idbridge serve, or an offline command such as secrets rotate-key), or use another --data folder")

// Lock is a held data folder lock.
type Lock struct {
	f *os.File
}

// Acquire takes the lock of the data folder dir without waiting. When
// another process holds it, the error is ErrInUse and names that process
// if it can.
func Acquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the data folder's lock %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%s%s: %w", dir, holder(path), ErrInUse)
		}
		return nil, fmt.Errorf("lock the data folder %s: %w", dir, err)
	}
	// Name the holder for whoever finds the folder taken; the lock, not
	// this text, is what counts.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// holder reads the process id the holder wrote, as " (process N)".
func holder(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (process %d)", pid)
}

// Release lets the folder go. Releasing twice does nothing.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
