// Command specsubset derives the part of Clockify's official OpenAPI
// document that the sandbox serves: the operations it answers, their
// parameters, request bodies and responses, and every schema they reference,
// with descriptions, summaries and examples dropped. The result is committed
// twice: as test data for connector tests and beside the sandbox, which
// embeds it to validate traffic.
//
// Run it from anywhere inside the repository after the reference document
// changes:
//
//	go run ./plugins/clockify/sandbox/internal/specsubset
//
// The reference document is read from ../shared/reference/clockify/ relative
// to the repository root unless -in names another file.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	in := flag.String("in", "", "official Clockify OpenAPI document (default: the shared reference copy beside the repository)")
	flag.Parse()
	if err := run(*in); err != nil {
		fmt.Fprintln(os.Stderr, "specsubset:", err)
		os.Exit(1)
	}
}

func run(in string) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if in == "" {
		in = referencePath(root)
	}
	full, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read the official spec: %w (pass -in FILE)", err)
	}
	subset, err := Derive(full, Served)
	if err != nil {
		return err
	}
	for _, out := range outputs(root) {
		if err := os.WriteFile(out, subset, 0o644); err != nil {
			return fmt.Errorf("write subset: %w", err)
		}
		fmt.Println("wrote", out)
	}
	return nil
}

// outputs are the committed copies of the subset.
func outputs(root string) []string {
	return []string{
		filepath.Join(root, "plugins", "clockify", "testdata", "openapi", "clockify-subset.json"),
		filepath.Join(root, "plugins", "clockify", "sandbox", "spec", "clockify-subset.json"),
	}
}

// referencePath is where the official document lives relative to the
// repository: in the shared reference folder beside the checkout.
func referencePath(root string) string {
	return filepath.Join(root, "..", "shared", "reference", "clockify", "clockify-openapi-v1.json")
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory; run inside the repository")
		}
		dir = parent
	}
}
