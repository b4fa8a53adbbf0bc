package pluginhost

import (
	"errors"
	"fmt"
	"time"
)

// ErrChecksumMismatch is matched (errors.Is) by every ChecksumError.
var ErrChecksumMismatch = errors.New("connector binary checksum mismatch")

// ChecksumError means the binary on disk is not the one that was installed:
// it was replaced, patched or corrupted. The plugin is not started.
type ChecksumError struct {
	// Name is the connector's name; Path its binary.
	Name, Path string
	// Want is the pinned sha256 (hex); Got the sha256 found on disk, when it
	// could be read.
	Want, Got string
}

// Error implements error.
func (e *ChecksumError) Error() string {
	got := ""
	if e.Got != "" {
		got = fmt.Sprintf(" (sha256 is now %.12s…, installed %.12s…)", e.Got, e.Want)
	}
	return fmt.Sprintf("connector %s: the binary %s changed since it was installed%s; it was not started: reinstall the extension",
		e.Name, e.Path, got)
}

// Is makes errors.Is(err, ErrChecksumMismatch) true.
func (e *ChecksumError) Is(target error) bool { return target == ErrChecksumMismatch }

// ErrCrashLoop is matched (errors.Is) by every CrashLoopError.
var ErrCrashLoop = errors.New("connector is in a crash loop")

// CrashLoopError is returned by calls to a plugin that failed too many times
// in a row. It is not restarted again until an admin resets it.
type CrashLoopError struct {
	// Name is the connector's name.
	Name string
	// Failures is the number of consecutive failures.
	Failures int
	// Since is when the crash loop began.
	Since time.Time
	// Last is the last failure.
	Last error
}

// Error implements error.
func (e *CrashLoopError) Error() string {
	return fmt.Sprintf("connector %s stopped after %d failures in a row (last: %v); it stays stopped until an admin resets it after fixing the cause (see the connector's log)",
		e.Name, e.Failures, e.Last)
}

// Is makes errors.Is(err, ErrCrashLoop) true.
func (e *CrashLoopError) Is(target error) bool { return target == ErrCrashLoop }

// Unwrap returns the last failure.
func (e *CrashLoopError) Unwrap() error { return e.Last }

// ErrRemoved is returned by calls on a Handle after Supervisor.Remove or
// Shutdown: the integration was disabled or the host is stopping.
var ErrRemoved = errors.New("connector is no longer supervised (disabled, uninstalled or the host is shutting down)")

// ErrExited describes a plugin process that ended without being asked to.
var ErrExited = errors.New("connector process exited unexpectedly")
