package demo

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// demoFolder makes a work folder shaped like a demo's: a data folder with
// an admin token and a logs folder.
func demoFolder(t *testing.T) *runner {
	t.Helper()
	work := filepath.Join(t.TempDir(), "idbridge-demo-x")
	r := &runner{work: work, data: filepath.Join(work, "data"), logs: filepath.Join(work, "logs"), temporary: true, out: &bytes.Buffer{}}
	for _, f := range []string{filepath.Join(r.data, "admin.token"), filepath.Join(r.logs, "idbridge-serve.log")} {
		if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestCleanUpRemovesTheTemporaryFolder checks that a finished demo leaves
// no admin token behind, that a failed one keeps only its logs, and that
// --keep or a folder the admin chose are left alone.
func TestCleanUpRemovesTheTemporaryFolder(t *testing.T) {
	r := demoFolder(t)
	r.cleanUp(false)
	if exists(r.work) {
		t.Errorf("after a good run the temporary folder %s is still there", r.work)
	}

	r = demoFolder(t)
	r.cleanUp(true)
	if exists(r.data) || !exists(filepath.Join(r.logs, "idbridge-serve.log")) {
		t.Errorf("after a failed run: data kept %v, logs kept %v; want the logs only", exists(r.data), exists(r.logs))
	}

	r = demoFolder(t)
	r.opts.Keep = true
	r.cleanUp(false)
	if !exists(filepath.Join(r.data, "admin.token")) {
		t.Error("--keep removed the folder")
	}
	if out := r.out.(*bytes.Buffer).String(); !bytes.Contains([]byte(out), []byte(r.work)) {
		t.Errorf("--keep does not say where the folder is: %q", out)
	}

	r = demoFolder(t)
	r.temporary = false
	r.cleanUp(false)
	if !exists(filepath.Join(r.data, "admin.token")) {
		t.Error("a folder given with --work was removed")
	}
}
