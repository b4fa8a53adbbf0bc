//go:build !windows

package wire

import "syscall"

// processAlive reports whether pid still exists; signal 0 checks without
// sending anything.
func processAlive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}
