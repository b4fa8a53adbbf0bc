package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// writeDescription stages one file and an nfpm description naming it
// through ${STAGE}, ${VERSION} and ${ARCH}, as the real one does.
func writeDescription(t *testing.T, stage string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(stage, "hello"), []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "nfpm.yaml")
	desc := "name: hello\narch: ${ARCH}\nversion: ${VERSION}\nmaintainer: test <test@example.invalid>\n" +
		"description: a test package\ncontents:\n  - src: ${STAGE}/hello\n    dst: /usr/bin/hello\n    expand: true\n"
	if err := os.WriteFile(cfg, []byte(desc), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestBuildWritesADebianArchive(t *testing.T) {
	stage := t.TempDir()
	target := filepath.Join(t.TempDir(), "hello.deb")
	err := build(options{Config: writeDescription(t, stage), Target: target, Version: "1.2.3", Arch: "arm64", Stage: stage})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("!<arch>\ndebian-binary")) {
		t.Fatalf("not a Debian package: starts with %q", raw[:min(len(raw), 32)])
	}
	for _, member := range []string{"control.tar", "data.tar"} {
		if !bytes.Contains(raw, []byte(member)) {
			t.Errorf("the package has no %s member", member)
		}
	}
}

func TestBuildLeavesNoPackageWhenAFileIsMissing(t *testing.T) {
	stage := t.TempDir()
	cfg := writeDescription(t, stage)
	if err := os.Remove(filepath.Join(stage, "hello")); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "hello.deb")
	err := build(options{Config: cfg, Target: target, Version: "1.2.3", Arch: "amd64", Stage: stage})
	if err == nil {
		t.Fatal("built a package whose staged file is missing")
	}
	if _, serr := os.Stat(target); !errors.Is(serr, os.ErrNotExist) {
		t.Fatalf("a failed build left %s behind (stat: %v)", target, serr)
	}
}

func TestBuildNeedsEveryOption(t *testing.T) {
	err := build(options{Config: "nfpm.yaml", Target: "x.deb", Version: "1.0.0", Arch: "amd64"})
	if !errors.Is(err, errMissingOption) {
		t.Fatalf("build without -stage: %v, want errMissingOption", err)
	}
}
