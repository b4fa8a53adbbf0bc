//go:build unix

package ext

import (
	"fmt"
	"os"
	"syscall"
)

// openRegular opens path for reading only if it is a regular file. The
// file is opened without blocking, so a named pipe given as an archive
// cannot make the caller wait for a writer, and its type is checked on the
// opened descriptor, so it cannot be swapped after the check.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, describeOpenError(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open extension: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, st.Mode())
	}
	if err := setBlocking(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("open extension: %w", err)
	}
	return f, nil
}

// setBlocking undoes O_NONBLOCK; for a regular file it changes nothing in
// practice, but reads then behave as on any opened file.
func setBlocking(f *os.File) error {
	raw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := raw.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
