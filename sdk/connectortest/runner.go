package connectortest

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// T is what a conformance check needs from its runner: the part of
// *testing.T the kit uses, with Run taking a T. Under go test it is a
// *testing.T; Check provides one that runs outside go test, so that the
// same checks judge connectors written in any language. See decision 0241.
type T interface {
	Helper()
	Log(args ...any)
	Logf(format string, args ...any)
	Error(args ...any)
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Skip(args ...any)
	Parallel()
	Cleanup(f func())
	Failed() bool
	Name() string
	// Run runs f as a named sub-check and reports whether it passed (a
	// parallel sub-check reports true at once and its result later).
	Run(name string, f func(t T)) bool
}

// goT adapts a *testing.T to T.
type goT struct{ *testing.T }

// Run implements T.
func (g goT) Run(name string, f func(t T)) bool {
	return g.T.Run(name, func(t *testing.T) { f(goT{t}) })
}

// Check runs the conformance suite against cl outside go test, writing
// each failing check with its log to w, and every check when verbose. It
// reports whether the connector passed. cfg.Start is not called: give
// cfg.Settings.
func Check(cfg Config, cl connectorv1.ConnectorClient, w io.Writer, verbose bool) bool {
	rep := &report{w: w, verbose: verbose}
	root := newCheck("", nil, rep)
	root.Run("conformance", func(t T) { suite(t, cfg, cfg.Settings, cl) })
	root.wait()
	return !root.Failed()
}

// report serialises the output of concurrently running checks.
type report struct {
	mu      sync.Mutex
	w       io.Writer
	verbose bool
}

func (r *report) print(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _ = io.WriteString(r.w, s)
}

// check is one running check of Check's runner: a goroutine per check,
// ended early by Fatal and Skip through runtime.Goexit as in testing.
type check struct {
	name     string
	parent   *check
	rep      *report
	started  time.Time
	parallel chan struct{}
	done     chan struct{}
	children sync.WaitGroup

	mu       sync.Mutex
	failed   bool
	skipped  bool
	logs     []string
	cleanups []func()
	once     sync.Once
}

func newCheck(name string, parent *check, rep *report) *check {
	return &check{name: name, parent: parent, rep: rep, started: time.Now(),
		parallel: make(chan struct{}), done: make(chan struct{})}
}

// Helper implements T; the runner reports no file positions.
func (c *check) Helper() {}

// Name implements T.
func (c *check) Name() string { return c.name }

// Log implements T.
func (c *check) Log(args ...any) { c.log(fmt.Sprintln(args...)) }

// Logf implements T.
func (c *check) Logf(format string, args ...any) { c.log(fmt.Sprintf(format, args...)) }

func (c *check) log(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = append(c.logs, strings.TrimRight(s, "\n"))
}

// Error implements T.
func (c *check) Error(args ...any) { c.Log(args...); c.fail() }

// Errorf implements T.
func (c *check) Errorf(format string, args ...any) { c.Logf(format, args...); c.fail() }

// Fatal implements T.
func (c *check) Fatal(args ...any) { c.Error(args...); runtime.Goexit() }

// Fatalf implements T.
func (c *check) Fatalf(format string, args ...any) { c.Errorf(format, args...); runtime.Goexit() }

// Skip implements T.
func (c *check) Skip(args ...any) {
	c.Log(args...)
	c.mu.Lock()
	c.skipped = true
	c.mu.Unlock()
	runtime.Goexit()
}

// Parallel implements T: the caller's Run returns and the check goes on
// beside its siblings; the parent ends only when it has finished.
func (c *check) Parallel() { c.once.Do(func() { close(c.parallel) }) }

// Cleanup implements T.
func (c *check) Cleanup(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cleanups = append(c.cleanups, f)
}

// Failed implements T.
func (c *check) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed
}

func (c *check) fail() {
	for p := c; p != nil; p = p.parent {
		p.mu.Lock()
		p.failed = true
		p.mu.Unlock()
	}
}

// Run implements T.
func (c *check) Run(name string, f func(t T)) bool {
	if c.name != "" {
		name = c.name + "/" + name
	}
	sub := newCheck(name, c, c.rep)
	c.children.Add(1)
	go func() {
		defer c.children.Done()
		defer close(sub.done)
		defer sub.finish()
		defer func() {
			if r := recover(); r != nil {
				sub.Errorf("panic: %v", r)
			}
		}()
		f(sub)
	}()
	select {
	case <-sub.done:
		return !sub.Failed()
	case <-sub.parallel:
		return true
	}
}

// wait blocks until every sub-check has ended.
func (c *check) wait() { c.children.Wait() }

// finish waits for parallel sub-checks, runs cleanups and reports.
func (c *check) finish() {
	c.wait()
	c.mu.Lock()
	cleanups := c.cleanups
	c.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	verdict := "PASS"
	switch {
	case c.failed:
		verdict = "FAIL"
	case c.skipped:
		verdict = "SKIP"
	}
	if !c.failed && !c.rep.verbose {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s: %s (%.2fs)\n", verdict, c.name, time.Since(c.started).Seconds())
	for _, l := range c.logs {
		for _, line := range strings.Split(l, "\n") {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	c.rep.print(b.String())
}
