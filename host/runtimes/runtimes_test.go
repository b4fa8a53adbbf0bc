package runtimes

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// fakePython writes a python3 that reports version and lacks the modules
// named in missing.
func fakePython(t *testing.T, version string, missing ...string) string {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\nif [ \"$1\" = --version ]; then echo \"Python " + version + "\"; exit 0; fi\nshift 3\nfor m in \"$@\"; do\n  :\n"
	for _, m := range missing {
		script += "  [ \"$m\" = \"" + m + "\" ] && echo \"$m\"\n"
	}
	script += "done\nexit 0\n"
	if err := os.WriteFile(filepath.Join(dir, "python3"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var pythonGRPC = ext.Runtime{Name: "python3", MinVersion: "3.11", Entry: "main.py", Modules: []ext.RuntimeModule{
	{Name: "grpc", DebianPackage: "python3-grpcio"}, {Name: "google.protobuf", DebianPackage: "python3-protobuf"},
}}

func TestFindNamesTheDebianPackagesWhenAModuleIsMissing(t *testing.T) {
	f := &Finder{Path: fakePython(t, "3.11.7", "grpc"), Dirs: []string{}}
	_, err := f.Find(context.Background(), pythonGRPC)
	var miss *MissingError
	if !errors.As(err, &miss) || !errors.Is(err, ErrMissing) {
		t.Fatalf("got %v, want a MissingError", err)
	}
	for _, want := range []string{"lacks grpc", "apt-get install python3 python3-grpcio python3-protobuf", "3.11 or later"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

func TestFindRefusesAnOlderInterpreter(t *testing.T) {
	f := &Finder{Path: fakePython(t, "3.9.2"), Dirs: []string{}}
	_, err := f.Find(context.Background(), pythonGRPC)
	if err == nil || !strings.Contains(err.Error(), "older than 3.11") {
		t.Fatalf("got %v, want a refusal naming the minimum version", err)
	}
}

func TestFindSaysWhenNothingIsInstalled(t *testing.T) {
	f := &Finder{Path: t.TempDir(), Dirs: []string{}}
	_, err := f.Find(context.Background(), ext.Runtime{Name: "node", MinVersion: "20", Entry: "c.js"})
	if err == nil || !strings.Contains(err.Error(), "no node was found") || !strings.Contains(err.Error(), "apt-get install nodejs") {
		t.Fatalf("got %v", err)
	}
}

// TestFindSkipsUnfitInterpretersAndRemembers puts an old interpreter
// before a good one on the path, and checks that the answer is kept: the
// second lookup succeeds although the interpreter has since gone.
func TestFindSkipsUnfitInterpretersAndRemembers(t *testing.T) {
	old, good := fakePython(t, "3.10.0"), fakePython(t, "3.12.1")
	f := &Finder{Path: old + string(os.PathListSeparator) + good, Dirs: []string{}}
	in, err := f.Find(context.Background(), pythonGRPC)
	if err != nil {
		t.Fatal(err)
	}
	if in.Path != filepath.Join(good, "python3") || in.Version != "3.12.1" {
		t.Fatalf("found %+v", in)
	}
	if got := in.Command(); strings.Join(got, " ") != in.Path+" -s -B" {
		t.Errorf("command %v", got)
	}
	if err := os.Remove(in.Path); err != nil {
		t.Fatal(err)
	}
	if again, err := f.Find(context.Background(), pythonGRPC); err != nil || again != in {
		t.Fatalf("second lookup: %+v %v", again, err)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"3.11.2", "3.11", 1}, {"3.11", "3.11.0", 0}, {"3.9", "3.11", -1}, {"20.20.2", "20", 1}, {"18.19.0", "20", -1}} {
		if got := compareVersions(c.a, c.b); (got > 0) != (c.want > 0) || (got < 0) != (c.want < 0) {
			t.Errorf("compare(%s, %s) = %d, want sign of %d", c.a, c.b, got, c.want)
		}
	}
}
