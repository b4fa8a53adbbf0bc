//go:build windows

package wire

import "golang.org/x/sys/windows"

// processAlive reports whether pid still exists. Windows does not re-parent
// orphans, so the parent PID alone says nothing there.
func processAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	ev, err := windows.WaitForSingleObject(h, 0)
	return err == nil && ev == uint32(windows.WAIT_TIMEOUT)
}
