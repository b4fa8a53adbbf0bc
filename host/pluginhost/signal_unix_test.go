//go:build !windows

package pluginhost_test

import "syscall"

var syscallZero = syscall.Signal(0)

func sigkill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
