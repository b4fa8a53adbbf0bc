package tutorial_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tutorialDoc is the tutorial that quotes this package.
const tutorialDoc = "../../docs/connectors/tutorial.md"

// snippet is one quoted block of the tutorial.
type snippet struct {
	file string // repository-relative path named by the marker
	line int    // where the block starts in the tutorial
	code string
}

// snippets reads every ```go and ```json block of the tutorial. Each must
// follow a "<!-- snippet: PATH -->" line naming the file it quotes.
func snippets(t *testing.T) []snippet {
	t.Helper()
	f, err := os.Open(tutorialDoc)
	if err != nil {
		t.Fatalf("the tutorial is missing: %v", err)
	}
	defer f.Close()
	var (
		out    []snippet
		marker string
		cur    *snippet
		n      int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		case line == "```go" || line == "```json":
			if marker == "" {
				if line == "```json" {
					continue // an example of the app's data, not a quote
				}
				t.Errorf("%s:%d: a Go block without a <!-- snippet: PATH --> line before it", tutorialDoc, n)
			}
			cur = &snippet{file: marker, line: n}
			marker = ""
		case strings.HasPrefix(line, "<!-- snippet: ") && strings.HasSuffix(line, " -->"):
			marker = strings.TrimSuffix(strings.TrimPrefix(line, "<!-- snippet: "), " -->")
		case strings.TrimSpace(line) != "":
			marker = ""
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTutorialQuotesTheCodeVerbatim keeps the tutorial and this package in
// step: every quoted block must appear, byte for byte, in the file its
// marker names, and every source file of the connector must be quoted.
func TestTutorialQuotesTheCodeVerbatim(t *testing.T) {
	quoted := map[string]bool{}
	for _, s := range snippets(t) {
		if s.file == "" {
			continue
		}
		rel, ok := strings.CutPrefix(s.file, "plugins/tutorial/")
		if !ok {
			t.Errorf("%s:%d: snippet of %s, outside plugins/tutorial", tutorialDoc, s.line, s.file)
			continue
		}
		src, err := os.ReadFile(filepath.FromSlash(rel))
		if err != nil {
			t.Errorf("%s:%d: %v", tutorialDoc, s.line, err)
			continue
		}
		if !strings.Contains(string(src), s.code) {
			t.Errorf("%s:%d: the block quoting %s no longer matches the file; copy the current code into the tutorial", tutorialDoc, s.line, s.file)
		}
		// The connector's own files are quoted whole, package clause and
		// imports included, so each block compiles as shown.
		if strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") && s.code != string(src) {
			t.Errorf("%s:%d: quote all of %s, package clause and imports included, so the block compiles as shown", tutorialDoc, s.line, s.file)
		}
		quoted[rel] = true
	}
	// Every file of the connector, whatever files it has now.
	want := []string{"cmd/idbridge-acme/main.go", "conformance_test.go", "packaging/manifest.json"}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sources {
		if !strings.HasSuffix(f, "_test.go") {
			want = append(want, f)
		}
	}
	for _, f := range want {
		if !quoted[f] {
			t.Errorf("the tutorial does not quote %s", f)
		}
	}
}
