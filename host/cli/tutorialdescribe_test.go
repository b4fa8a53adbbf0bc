//go:build !windows

package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestTutorialShowsWhatDescribePrints builds the tutorial's connector, runs `idbridge plugin describe` on the
// built connector and compares its output with the tutorial's, apart from
// the binary's path and hash, which differ on every machine.
func TestTutorialShowsWhatDescribePrints(t *testing.T) {
	raw, err := os.ReadFile("../../docs/connectors/tutorial.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "```\nConnector:     Acme Directory")
	if start < 0 {
		t.Fatal("the tutorial shows no `plugin describe` output")
	}
	start += len("```\n")
	end := strings.Index(doc[start:], "```")
	want := doc[start : start+end]

	acme := buildTestConnector(t, "../../plugins/tutorial/cmd/idbridge-acme")
	var out, errs bytes.Buffer
	code := Execute(context.Background(), []string{"plugin", "describe", acme},
		&Globals{Out: &out, Err: &errs, Env: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("plugin describe exited %d: %s", code, errs.String())
	}
	if got, want := machineFree(out.String()), machineFree(want); got != want {
		t.Errorf("the tutorial's describe output is stale; it now prints:\n%s", out.String())
	}
}

// machineFree blanks the lines that depend on where the binary was built.
func machineFree(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Binary:") || strings.HasPrefix(l, "SHA-256:") {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}
