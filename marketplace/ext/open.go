package ext

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// describeOpenError turns a failure to open an archive into a refusal that
// says what to do. The path is the one the caller gave.
func describeOpenError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s", ErrNoSuchFile, path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w: %s", ErrFileNotReadable, path)
	}
	return fmt.Errorf("open extension %s: %w", path, err)
}

// notRegular names what path is instead of a regular file.
func notRegular(path string, mode fs.FileMode) error {
	kind := "not a regular file"
	switch {
	case mode.IsDir():
		kind = "a folder"
	case mode&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		kind = "a device"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	}
	return fmt.Errorf("%w: %s is %s", ErrNotRegularFile, path, kind)
}

// OpenRegular opens path for reading if it is a regular file, without
// blocking on a named pipe or device. Errors wrap ErrNoSuchFile,
// ErrFileNotReadable or ErrNotRegularFile and name the path as given.
func OpenRegular(path string) (*os.File, error) { return openRegular(path) }
