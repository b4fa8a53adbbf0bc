package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuTicks is the kernel's clock tick, the unit of /proc's CPU times
// (USER_HZ, 100 on Linux).
const cpuTicks = 100

// cpuUse is the CPU time (user and system) spent so far by each part of a
// fleet: the hosts, their connector processes, PostgreSQL and this test
// process, which runs the sandbox. Where /proc cannot be read the parts
// read zero.
type cpuUse struct {
	hosts, connectors, postgres, sandbox time.Duration
}

func (a cpuUse) sub(b cpuUse) cpuUse {
	return cpuUse{a.hosts - b.hosts, a.connectors - b.connectors, a.postgres - b.postgres, a.sandbox - b.sandbox}
}

// cpu reads the fleet's CPU use now.
func (f *fleet) cpu() cpuUse {
	var u cpuUse
	for _, h := range f.hosts {
		u.hosts += procCPU(h.cmd.Process.Pid)
		for _, child := range childrenOf(h.cmd.Process.Pid) {
			u.connectors += procCPU(child)
		}
	}
	if pm := f.postmaster(); pm > 0 {
		u.postgres = procCPU(pm)
		for _, child := range childrenOf(pm) {
			u.postgres += procCPU(child)
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.sandbox = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return u
}

// postmaster returns the pid of the PostgreSQL server process, the parent
// of this connection's backend; 0 when it cannot tell.
func (f *fleet) postmaster() int {
	ctx := context.Background()
	conn, err := f.srv.Connect(ctx)
	if err != nil {
		return 0
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return 0
	}
	fields := procStat(backend)
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

// procStat returns the fields of /proc/PID/stat after the command name:
// state, ppid, ... (field 3 onwards of proc(5)).
func procStat(pid int) []string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	return strings.Fields(s)
}

// procCPU is a process's user and system CPU time.
func procCPU(pid int) time.Duration {
	fields := procStat(pid)
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / cpuTicks
}

// childrenOf lists a process's children.
func childrenOf(pid int) []int {
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "children"))
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}
