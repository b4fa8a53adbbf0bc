package cluster_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound/outboundtest"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// Binaries built once for the package: the Clockify connector and
// clusterhost.
var (
	buildOnce          sync.Once
	buildErr           error
	pluginBin, hostBin string
	buildDir           string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func binaries(tb testing.TB) (plugin, host string) {
	tb.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "cluster-test-"); buildErr != nil {
			return
		}
		if pluginBin, buildErr = outboundtest.BuildClockify(context.Background(), buildDir); buildErr != nil {
			return
		}
		hostBin = filepath.Join(buildDir, "clusterhost")
		if out, err := exec.Command("go", "build", "-o", hostBin, "./testdata/clusterhost").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build clusterhost: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return pluginBin, hostBin
}

// fleet is a sandbox at a rate limit, one PostgreSQL schema and the
// clusterhost processes started on it.
type fleet struct {
	tb     testing.TB
	srv    pgtest.Server
	schema string
	sb     *sandbox.Server
	st     *postgres.Store
	limit  int
	n      int
	hosts  map[string]*host
}

// host is one clusterhost process.
type host struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) add(s string) { l.mu.Lock(); l.b.WriteString(s + "\n"); l.mu.Unlock() }
func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newFleet starts the sandbox at limit calls a second and opens the store
// on a fresh schema; hosts started later run a run of n members at that
// limit.
func newFleet(tb testing.TB, limit, n int) *fleet {
	return newFleetAt(tb, limit, limit, n)
}

// newFleetAt is newFleet with the sandbox's limit (negative: none) apart
// from the integration's.
func newFleetAt(tb testing.TB, sandboxLimit, limit, n int) *fleet {
	tb.Helper()
	srv := pgtest.Need(tb)
	binaries(tb)
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Rate: float64(sandboxLimit)})
	if err != nil {
		tb.Fatal(err)
	}
	f := &fleet{tb: tb, srv: srv, schema: pgtest.NewSchema(tb, srv), sb: sb, limit: limit, n: n, hosts: map[string]*host{}}
	f.st, err = postgres.Open(context.Background(), srv.URL, srv.Options(f.schema, nil))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		for _, h := range f.hosts {
			h.cmd.Process.Kill()
			<-h.done
		}
		f.st.Close()
		sb.Close()
	})
	return f
}

// start starts a host and waits until it is up; the first one (-start)
// saves the template and starts the run.
func (f *fleet) start(name string, first bool) *host {
	f.tb.Helper()
	plugin, bin := binaries(f.tb)
	args := []string{"-url", f.srv.URL, "-password-file", f.srv.PasswordFile, "-schema", f.schema, "-name", name,
		"-plugin", plugin, "-base-url", f.sb.BaseURL(), "-n", fmt.Sprint(f.n), "-rate", fmt.Sprint(f.limit)}
	if first {
		args = append(args, "-start")
	}
	h := &host{name: name, cmd: exec.Command(bin, args...), out: &lockedBuffer{}, done: make(chan struct{})}
	stdout, _ := h.cmd.StdoutPipe()
	h.cmd.Stderr = h.cmd.Stdout
	if err := h.cmd.Start(); err != nil {
		f.tb.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		defer close(h.done)
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			h.out.add(lines.Text())
			if lines.Text() == "READY" {
				close(ready)
			}
		}
		h.cmd.Wait()
	}()
	select {
	case <-ready:
	case <-h.done:
		f.tb.Fatalf("host %s exited at start:\n%s", name, h.out)
	case <-time.After(time.Minute):
		f.tb.Fatalf("host %s did not start:\n%s", name, h.out)
	}
	f.hosts[name] = h
	return h
}

// kill ends a host with SIGKILL and waits until it is gone.
func (f *fleet) kill(name string) time.Time {
	f.tb.Helper()
	h := f.hosts[name]
	if err := h.cmd.Process.Kill(); err != nil {
		f.tb.Fatal(err)
	}
	<-h.done
	delete(f.hosts, name)
	return time.Now()
}

// watcher returns the watcher lease as stored.
func (f *fleet) watcher() store.Lease {
	ls, err := f.st.ListLeases(context.Background())
	if err != nil {
		f.tb.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == "watcher" {
			return l
		}
	}
	return store.Lease{}
}

// added counts the run's members in the sandbox.
func (f *fleet) added() int {
	users := 0
	for _, u := range f.sb.Users(sandbox.DefaultWorkspaceID) {
		if strings.HasPrefix(u.Email, "member.") {
			users++
		}
	}
	return users
}

// waitFor polls cond, failing after a generous deadline.
func (f *fleet) waitFor(what string, cond func() bool) {
	f.tb.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			f.tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// finished reports whether h printed that the run finished.
func finished(h *host) bool { return strings.Contains(h.out.String(), "FINISHED") }
