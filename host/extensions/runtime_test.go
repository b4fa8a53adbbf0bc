package extensions_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/runtimes"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
)

// scriptParts is a signed Python connector: an entry script, a module
// and the interpreter it needs.
func scriptParts(key ed25519.PrivateKey) *parts {
	p := newParts(key, "1.0.0")
	p.man.Platforms = nil
	p.files = nil
	p.man.Files = nil
	p.addFile("README.md", []byte("# Sample\n"))
	p.addFile("icon.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	p.addFile("main.py", []byte("import acme\n"))
	p.addFile("acme.py", []byte("X = 1\n"))
	p.man.Runtime = &ext.Runtime{Name: "python3", MinVersion: "3.11", Entry: "main.py",
		Modules: []ext.RuntimeModule{{Name: "grpc", DebianPackage: "python3-grpcio"}}}
	return p
}

// managerWith opens a manager over e's data folder that looks for
// interpreters only in path.
func managerWith(t *testing.T, e *env, path string) *extensions.Manager {
	t.Helper()
	m, err := extensions.New(context.Background(), extensions.Config{
		DataDir: e.dir, Docs: e.docs, Usage: e.usage, HostVersion: "1.0.0",
		Runtimes: &runtimes.Finder{Path: path, Dirs: []string{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInstallRefusesAConnectorWhoseRuntimeIsMissing(t *testing.T) {
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	m := managerWith(t, e, t.TempDir())
	before := tree(t, e.dir)
	_, err := m.Install(context.Background(), extensions.Source{File: writeArchive(t, scriptParts(key).bytes(t))})
	if !errors.Is(err, runtimes.ErrMissing) {
		t.Fatalf("install without python3: %v, want ErrMissing", err)
	}
	if !strings.Contains(err.Error(), "apt-get install python3 python3-grpcio") {
		t.Errorf("the refusal does not name the packages: %v", err)
	}
	if after := tree(t, e.dir); after != before {
		t.Errorf("a refused install changed the data folder:\n%s", after)
	}
}

func TestInstalledScriptLaunchesOnItsInterpreterPinnedFileByFile(t *testing.T) {
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	bin := t.TempDir()
	python := filepath.Join(bin, "python3")
	if err := os.WriteFile(python, []byte("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.11.4'\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	m := managerWith(t, e, bin)
	rec, err := m.Install(context.Background(), extensions.Source{File: writeArchive(t, scriptParts(key).bytes(t))})
	if err != nil {
		t.Fatal(err)
	}
	l, err := m.Launch(context.Background(), rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(l.Interpreter, " ") != python+" -s -B" || filepath.Base(l.Path) != "main.py" || filepath.Dir(l.Path) != l.Dir {
		t.Fatalf("launch %+v", l)
	}
	if l.Pinned["acme.py"] != exttest.Sum([]byte("X = 1\n")) || l.Pinned["main.py"] != "" {
		t.Fatalf("pinned %v: want every file but the entry, which SHA256 pins", l.Pinned)
	}
	if st, err := os.Stat(l.Path); err != nil || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("the entry script is not executable: %v %v", st, err)
	}

	// The interpreter removed after install: the launch says what to install.
	if err := os.Remove(python); err != nil {
		t.Fatal(err)
	}
	if _, err := managerWith(t, e, bin).Launch(context.Background(), rec.ID); !errors.Is(err, runtimes.ErrMissing) {
		t.Fatalf("launch without the interpreter: %v", err)
	}
}
