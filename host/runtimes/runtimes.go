// Package runtimes finds the interpreter an interpreter-based connector
// needs (python3, node) on this machine: a release at least as new as the
// manifest asks for, able to load the modules it names. When none fits it
// says which Debian packages to install. See decision 0242.
package runtimes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// ErrMissing says that no interpreter on this machine can run a connector.
var ErrMissing = errors.New("the connector's runtime is not installed")

// Interpreter is an interpreter found on this machine.
type Interpreter struct {
	// Name is the runtime's name in manifests, e.g. "python3".
	Name string `json:"name"`
	// Path is the absolute path of the interpreter.
	Path string `json:"path"`
	// Version is its release, e.g. "3.11.2".
	Version string `json:"version"`
}

// Command is the command line that runs a script on the interpreter, the
// script's path to be appended. Python runs without the user's site
// packages and without writing bytecode caches beside the pinned sources.
func (i Interpreter) Command() []string {
	if i.Name == "python3" {
		return []string{i.Path, "-s", "-B"}
	}
	return []string{i.Path}
}

// MissingError says what a connector needs, what was found instead, and the
// Debian packages that provide the rest.
type MissingError struct {
	// Runtime is what the manifest asks for.
	Runtime ext.Runtime
	// Found describes each interpreter tried and why it does not fit.
	Found []string
	// Packages are the Debian packages to install.
	Packages []string
}

// Error implements error.
func (e *MissingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: the connector runs on %s %s or later", ErrMissing, e.Runtime.Name, e.Runtime.MinVersion)
	if mods := moduleNames(e.Runtime); len(mods) > 0 {
		fmt.Fprintf(&b, " with the modules %s", strings.Join(mods, ", "))
	}
	if len(e.Found) == 0 {
		fmt.Fprintf(&b, ", and no %s was found on this machine", e.Runtime.Name)
	} else {
		fmt.Fprintf(&b, ", and none found fits (%s)", strings.Join(e.Found, "; "))
	}
	fmt.Fprintf(&b, ": install the Debian packages %s (apt-get install %s)", strings.Join(e.Packages, ", "), strings.Join(e.Packages, " "))
	if e.Runtime.Name == "node" {
		fmt.Fprintf(&b, ", from a source that provides Node.js %s or later if the distribution's is older", e.Runtime.MinVersion)
	}
	return b.String()
}

// Unwrap lets callers test for ErrMissing.
func (e *MissingError) Unwrap() error { return ErrMissing }

func moduleNames(rt ext.Runtime) []string {
	var out []string
	for _, m := range rt.Modules {
		out = append(out, m.Name)
	}
	return out
}

// Finder looks interpreters up and remembers what it found, so that only
// the first launch of a connector pays for probing.
type Finder struct {
	// Path is the search path; empty means the PATH environment variable.
	Path string
	// Dirs are searched after Path; nil means the Debian locations
	// /usr/bin and /usr/local/bin, where a host started with a narrow PATH
	// still finds the distribution's interpreters.
	Dirs []string
	// Timeout bounds each probe of an interpreter; 0 means 20s.
	Timeout time.Duration

	mu    sync.Mutex
	found map[string]Interpreter
}

// Find returns the first interpreter that satisfies rt, or a *MissingError.
func (f *Finder) Find(ctx context.Context, rt ext.Runtime) (Interpreter, error) {
	key := rt.Name + "|" + rt.MinVersion + "|" + strings.Join(moduleNames(rt), ",")
	f.mu.Lock()
	if in, ok := f.found[key]; ok {
		f.mu.Unlock()
		return in, nil
	}
	f.mu.Unlock()
	pkg, ok := ext.Runtimes[rt.Name]
	if !ok {
		return Interpreter{}, fmt.Errorf("%w: %q is not an interpreter this host knows", ErrMissing, rt.Name)
	}
	miss := &MissingError{Runtime: rt}
	for _, path := range f.candidates(rt.Name) {
		in, why := f.probe(ctx, rt, path)
		if why == "" {
			f.mu.Lock()
			if f.found == nil {
				f.found = map[string]Interpreter{}
			}
			f.found[key] = in
			f.mu.Unlock()
			return in, nil
		}
		if err := ctx.Err(); err != nil {
			return Interpreter{}, err
		}
		miss.Found = append(miss.Found, why)
	}
	miss.Packages = []string{pkg}
	for _, m := range rt.Modules {
		if m.DebianPackage != "" {
			miss.Packages = append(miss.Packages, m.DebianPackage)
		}
	}
	return Interpreter{}, miss
}

// candidates lists each executable called name on the search path and in
// the Debian locations, once per real file.
func (f *Finder) candidates(name string) []string {
	search := f.Path
	if search == "" {
		search = os.Getenv("PATH")
	}
	extra := f.Dirs
	if extra == nil {
		extra = []string{"/usr/bin", "/usr/local/bin"}
	}
	dirs := append(filepath.SplitList(search), extra...)
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		if d == "" || !filepath.IsAbs(d) {
			continue // a relative PATH entry would depend on the working folder
		}
		p := filepath.Join(d, name)
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			continue
		}
		seen[real] = true
		out = append(out, p)
	}
	return out
}

var versionRE = regexp.MustCompile(`([0-9]+(?:\.[0-9]+)*)`)

// probe runs the interpreter at path; it returns why it does not fit, or
// "" and the interpreter.
func (f *Finder) probe(ctx context.Context, rt ext.Runtime, path string) (Interpreter, string) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := run(ctx, path, "--version")
	if err != nil {
		return Interpreter{}, fmt.Sprintf("%s does not run: %v", path, err)
	}
	v := versionRE.FindString(out)
	if v == "" {
		return Interpreter{}, fmt.Sprintf("%s: cannot read its version from %q", path, strings.TrimSpace(out))
	}
	if compareVersions(v, rt.MinVersion) < 0 {
		return Interpreter{}, fmt.Sprintf("%s at %s is older than %s", rt.Name, path, rt.MinVersion)
	}
	if mods := moduleNames(rt); len(mods) > 0 {
		var args []string
		switch rt.Name {
		case "python3":
			args = append([]string{"-s", "-c", "import importlib, sys\nfor m in sys.argv[1:]:\n    try:\n        importlib.import_module(m)\n    except Exception:\n        print(m)"}, mods...)
		case "node":
			args = append([]string{"-e", "for (const m of process.argv.slice(1)) { try { require.resolve(m) } catch { console.log(m) } }"}, mods...)
		}
		out, err := run(ctx, path, args...)
		if err != nil {
			return Interpreter{}, fmt.Sprintf("%s at %s cannot check its modules: %v", rt.Name, path, err)
		}
		if missing := strings.Fields(out); len(missing) > 0 {
			return Interpreter{}, fmt.Sprintf("%s %s at %s lacks %s", rt.Name, v, path, strings.Join(missing, ", "))
		}
	}
	return Interpreter{Name: rt.Name, Path: path, Version: v}, ""
}

// run executes path with args in a minimal environment and returns its
// standard output (Python 2 printed its version on stderr, so both count).
func run(ctx context.Context, path string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(errb.String()))
	}
	if out.Len() == 0 {
		return errb.String(), nil
	}
	return out.String(), nil
}

// compareVersions compares dotted release numbers numerically; a missing
// component counts as 0.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
