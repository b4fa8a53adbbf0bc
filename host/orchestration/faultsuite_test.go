package orchestration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/internal/testlog"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// crashhostBin is testdata/crashhost, built once for the package's tests.
var (
	crashhostOnce sync.Once
	crashhostBin  string
	crashhostErr  error
)

func buildCrashhost(t *testing.T) string {
	t.Helper()
	crashhostOnce.Do(func() {
		dir, err := os.MkdirTemp("", "crashhost-")
		if err != nil {
			crashhostErr = err
			return
		}
		crashhostBin = filepath.Join(dir, "crashhost")
		if out, err := exec.Command("go", "build", "-o", crashhostBin, "./testdata/crashhost").CombinedOutput(); err != nil {
			crashhostErr = fmt.Errorf("build crashhost: %v\n%s", err, out)
		}
	})
	if crashhostErr != nil {
		t.Fatal(crashhostErr)
	}
	return crashhostBin
}

// hostProcess is one start of crashhost.
type hostProcess struct {
	t    *testing.T
	cmd  *exec.Cmd
	out  *testlog.Buffer
	done chan error
}

// faultRig is a sandbox and a store that successive host processes share.
type faultRig struct {
	t    *testing.T
	sb   *sandbox.Server
	args []string
	n    int
}

func newFaultRig(t *testing.T, dataDir string, n int) *faultRig {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return &faultRig{t: t, sb: sb, n: n, args: []string{"-db", filepath.Join(dataDir, "store.db"), "-plugin", clockifyBin,
		"-base-url", sb.BaseURL(), "-n", strconv.Itoa(n), "-run", "fault-run", "-rate", "400",
		"-template", "onboarding", "-departments", "6", "-worker", "fault-host", "-lease", "1m"}}
}

func (r *faultRig) start() *hostProcess {
	r.t.Helper()
	p := &hostProcess{t: r.t, cmd: exec.Command(buildCrashhost(r.t), r.args...), out: &testlog.Buffer{}, done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	r.t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitFor waits until cond holds, or fails naming what it waited for.
func (p *hostProcess) waitFor(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		select {
		case err := <-p.done:
			p.done <- err
			if !cond() {
				p.t.Fatalf("the host exited (%v) before %s:\n%s", err, what, p.out)
			}
			return
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %s:\n%s", what, p.out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// exit waits for the process to end and returns its error.
func (p *hostProcess) exit() error {
	p.t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(2 * time.Minute):
		p.t.Fatalf("the host did not exit:\n%s", p.out)
		return nil
	}
}

func (p *hostProcess) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL
		p.t.Fatal(err)
	}
	_ = p.exit()
}

// connectorPID returns the host's connector process.
func (p *hostProcess) connectorPID() int {
	p.t.Helper()
	// Each thread lists the children it forked; Go forks from any thread.
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", p.cmd.Process.Pid))
	if err != nil || len(tasks) == 0 {
		p.t.Fatalf("list the host's threads: %v", err)
	}
	var fields []string
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			p.t.Fatalf("list the host's children: %v", err)
		}
		fields = append(fields, strings.Fields(string(b))...)
	}
	if len(fields) != 1 {
		p.t.Fatalf("the host has %d child processes, want its one connector", len(fields))
	}
	pid, _ := strconv.Atoi(fields[0])
	return pid
}

// adds counts the users the sandbox has added so far.
func (r *faultRig) adds() int { return postsOf(r.sb)[200] }

// check asserts what every fault must leave: each user exists once and is
// a member of exactly the group of their department, which exists once.
func (r *faultRig) check(out string) {
	t := r.t
	t.Helper()
	if !strings.Contains(out, "FINISHED succeeded failed=0") || !strings.Contains(out, "in-doubt=0") {
		t.Errorf("the run did not succeed, or left calls in doubt for an admin:\n%s", out)
	}
	users := map[string]string{} // email -> id
	for _, u := range r.sb.Users(sandbox.DefaultWorkspaceID) {
		if _, dup := users[u.Email]; dup {
			t.Errorf("%s exists twice", u.Email)
		}
		users[u.Email] = u.ID
	}
	groups := map[string][]string{} // name -> members
	for _, g := range r.sb.Groups(sandbox.DefaultWorkspaceID) {
		if _, dup := groups[g.Name]; dup {
			t.Errorf("group %s exists twice", g.Name)
		}
		groups[g.Name] = g.UserIDs
	}
	missing, outside := 0, 0
	for i := range r.n {
		id, ok := users[fmt.Sprintf("crash.%d@corp.example", i)]
		if !ok {
			missing++
			continue
		}
		in := false
		for _, m := range groups[fmt.Sprintf("Dept %d", i%6)] {
			in = in || m == id
		}
		if !in {
			outside++
		}
	}
	if missing > 0 || outside > 0 {
		t.Errorf("%d of %d users were never added and %d are not in their department's group", missing, r.n, outside)
	}
	if p := postsOf(r.sb); p[400] != 0 {
		t.Errorf("%d add-user requests were refused as duplicates: a call was sent twice", p[400])
	}
}

// TestOnboardingSurvivesEveryFault runs the shipped onboarding template for
// 300 users through the real connector and a host process that is killed
// with SIGKILL, loses its connector to SIGKILL, is stopped with SIGTERM and
// restarted under 20% 5xx answers and bursts of 429s; afterwards every user
// exists once and is in their group, with no dead-letter.
func TestOnboardingSurvivesEveryFault(t *testing.T) {
	const n = 300
	r := newFaultRig(t, t.TempDir(), n)

	first := r.start()
	first.waitFor("40 users added", func() bool { return r.adds() >= 40 })
	first.kill()
	t.Logf("host killed after %d users", r.adds())

	restarted := len(r.sb.Requests())
	restart := time.Now()
	second := r.start()
	second.waitFor("the restarted host to resume", func() bool { return len(r.sb.Requests()) > restarted })
	t.Logf("restart gap (process start to its first request, noisy on a shared machine): %s", time.Since(restart).Round(time.Millisecond))
	second.waitFor("100 users added", func() bool { return r.adds() >= 100 })
	if err := syscall.Kill(second.connectorPID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t.Logf("connector killed after %d users", r.adds())
	second.waitFor("160 users added", func() bool { return r.adds() >= 160 })
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.exit(); err != nil {
		t.Fatalf("the host did not stop cleanly on SIGTERM: %v\n%s", err, second.out)
	}
	if !strings.Contains(second.out.String(), "STOPPED sending=0 claimed=0") {
		t.Errorf("SIGTERM left work leased or in doubt:\n%s", second.out)
	}
	t.Logf("host stopped with SIGTERM after %d users", r.adds())

	r.sb.SetFaults(sandbox.Faults{ErrorRate: 0.2, Burst429: 5, RetryAfter: time.Second})
	third := r.start()
	third.waitFor("220 users added", func() bool { return r.adds() >= 220 })
	r.sb.SetFaults(sandbox.Faults{ErrorRate: 0.2, Burst429: 5, RetryAfter: time.Second})
	third.waitFor("the run to finish", func() bool { return strings.Contains(third.out.String(), "FINISHED") })
	if err := third.exit(); err != nil {
		t.Fatalf("%v\n%s", err, third.out)
	}
	faults := map[string]int{}
	for _, rec := range r.sb.Requests() {
		faults[rec.Fault]++
	}
	if faults["5xx"] == 0 || faults["429"] == 0 {
		t.Errorf("the faults did not happen: %v", faults)
	}
	t.Logf("requests by injected fault: %v; %s", faults, strings.TrimSpace(third.out.String()))
	r.check(third.out.String())
}

// TestOnboardingSurvivesAFullDisk fills the small file system that holds the
// store in the middle of the run, then makes room again: the host says it is
// not ready meanwhile, resumes by itself, and every user exists once and is
// in their group with no dead-letter. Mounting the file system needs root;
// without it the test is skipped, except under CI where it must run.
func TestOnboardingSurvivesAFullDisk(t *testing.T) {
	dir := t.TempDir()
	if err := mountTmpfs(dir, "16m"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a small tmpfs for the full-disk test (CI runs it as root): %v", err)
		}
		t.Skipf("cannot mount a small tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	const n = 200
	r := newFaultRig(t, dir, n)
	p := r.start()
	p.waitFor("50 users added", func() bool { return r.adds() >= 50 })
	fill := filepath.Join(dir, "fill")
	if err := fillDisk(fill); err != nil {
		t.Fatal(err)
	}
	p.waitFor("the host to report the full store", func() bool { return strings.Contains(p.out.String(), "UNREADY") })
	if err := os.Remove(fill); err != nil {
		t.Fatal(err)
	}
	p.waitFor("the run to finish", func() bool { return strings.Contains(p.out.String(), "FINISHED") })
	if err := p.exit(); err != nil {
		t.Fatalf("%v\n%s", err, p.out)
	}
	if !strings.Contains(p.out.String(), "READY\n") {
		t.Errorf("the host did not report ready again:\n%s", p.out)
	}
	t.Logf("%s", strings.TrimSpace(p.out.String()))
	r.check(p.out.String())
}

func mountTmpfs(dir, size string) error {
	if os.Geteuid() != 0 {
		return errors.New("not root")
	}
	return syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700")
}

// fillDisk writes path until the file system is full.
func fillDisk(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return nil
			}
			return err
		}
	}
}
