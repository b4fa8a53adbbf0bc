package connectortest

import (
	"os"
	"testing"
)

func TestBuildAndRunBuildsOnceAndRemovesTheBinary(t *testing.T) {
	var path string
	ran := false
	code := buildAndRun("./testdata/outside", &path, func() int {
		ran = true
		if fi, err := os.Stat(path); err != nil || fi.Mode()&0o111 == 0 {
			t.Errorf("the binary is not there to run while the tests run: %v", err)
		}
		return 3
	})
	if !ran || code != 3 {
		t.Fatalf("ran = %v, code = %d; want the tests run and their code returned", ran, code)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the binary %s is left behind: %v", path, err)
	}
}

func TestBuildAndRunStopsWhenTheBuildFails(t *testing.T) {
	var path string
	code := buildAndRun("./testdata/no-such-command", &path, func() int {
		t.Error("the tests ran although the connector did not build")
		return 0
	})
	if code == 0 {
		t.Fatal("a failed build exited 0")
	}
}
