package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Progress must never reach a pipe or a file: scripts and logs read
// stderr too.
func TestProgressOnlyOnATerminal(t *testing.T) {
	var errb bytes.Buffer
	g := &Globals{Err: &errb, Output: OutputText}
	b := g.bars()
	src := strings.NewReader("archive bytes")
	r, done := b.reader(src, int64(src.Len()), "uploading")
	if r != src {
		t.Fatal("a bar wraps the upload while stderr is not a terminal")
	}
	done()
	b.spinner("installing")()
	if errb.Len() != 0 {
		t.Fatalf("progress written to a buffer: %q", errb.String())
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if (&Globals{Err: f}).bars().on {
		t.Fatal("a regular file counts as a terminal")
	}
}
