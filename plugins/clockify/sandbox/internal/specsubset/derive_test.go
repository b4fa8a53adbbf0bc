package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reference returns the official document, or skips outside CI when it is
// not beside the repository. In CI its absence is a failure: the subset
// could then drift from the document unnoticed.
func reference(t *testing.T) []byte {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, skip, err := readReference(referencePath(root), os.Getenv("CI") == "true")
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
	return raw
}

// readReference reads the document; when it is missing it returns an
// error in CI and a reason to skip elsewhere.
func readReference(path string, ci bool) (raw []byte, skip string, err error) {
	raw, err = os.ReadFile(path)
	if err == nil {
		return raw, "", nil
	}
	if ci {
		return nil, "", fmt.Errorf("the official Clockify OpenAPI document is missing at %s (%v): CI must provide the shared reference folder beside the checkout", path, err)
	}
	return nil, fmt.Sprintf("official Clockify OpenAPI document not found at %s; the committed subset cannot be re-derived here", path), nil
}

func TestMissingReferenceFailsInCI(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.json")
	if _, _, err := readReference(missing, true); err == nil || !strings.Contains(err.Error(), "CI must provide") {
		t.Fatalf("in CI: err = %v, want a failure naming the fix", err)
	}
	if _, skip, err := readReference(missing, false); err != nil || skip == "" {
		t.Fatalf("outside CI: skip = %q, err = %v, want a skip", skip, err)
	}
}

// TestCommittedSubsetIsDerived fails when someone edits a committed copy
// by hand or changes Served or the derivation without regenerating.
func TestCommittedSubsetIsDerived(t *testing.T) {
	want, err := Derive(reference(t), Served)
	if err != nil {
		t.Fatal(err)
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range outputs(root) {
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("read committed subset: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the script derives from the official document; run go run ./plugins/clockify/sandbox/internal/specsubset", out)
		}
	}
}

const tiny = `{
  "openapi": "3.0.1",
  "info": {"title": "T", "version": "v1", "description": "long prose"},
  "paths": {
    "/v1/a": {
      "servers": [{"url": "https://example.invalid"}],
      "get": {
        "summary": "S", "description": "D", "tags": ["x"], "x-internal": true,
        "parameters": [{"name": "q", "in": "query", "description": "d", "example": 1, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}},
        "security": [{"K": []}]
      },
      "post": {"responses": {"201": {"description": "Created"}}}
    },
    "/v1/unused": {"get": {"responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unused"}}}}}}}
  },
  "components": {
    "schemas": {
      "A": {"type": "object", "description": "prose", "properties": {"description": {"type": "string", "example": "x"}, "b": {"$ref": "#/components/schemas/B"}}},
      "B": {"type": "string", "enum": ["X"], "example": "X"},
      "Unused": {"type": "object"}
    },
    "securitySchemes": {"K": {"type": "apiKey", "in": "header", "name": "x-k", "description": "d"}, "Other": {"type": "apiKey", "in": "header", "name": "x-o"}}
  }
}`

// TestDeriveKeepsOnlyWhatIsServed checks the derivation rules on a small
// document: only the chosen operations, their schemas transitively, prose
// dropped where it is a keyword but kept where it names a property, and
// the response descriptions OpenAPI requires.
func TestDeriveKeepsOnlyWhatIsServed(t *testing.T) {
	out, err := Derive([]byte(tiny), []Operation{{"get", "/v1/a"}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, gone := range []string{"Unused", "/v1/unused", `"post"`, "long prose", `"summary"`, `"tags"`, "x-internal", `"example"`, "example.invalid", "Other", `"D"`} {
		if strings.Contains(s, gone) {
			t.Errorf("subset still contains %s:\n%s", gone, s)
		}
	}
	for _, kept := range []string{`"description": {`, `"description": "OK"`, `"B": {`, `"K": {`, `"name": "q"`} {
		if !strings.Contains(s, kept) {
			t.Errorf("subset lost %s:\n%s", kept, s)
		}
	}
}

// TestDeriveRejectsUnknownOperation names the fix when Served lists an
// operation the document does not have.
func TestDeriveRejectsUnknownOperation(t *testing.T) {
	_, err := Derive([]byte(tiny), []Operation{{"delete", "/v1/a"}})
	if err == nil || !strings.Contains(err.Error(), "update Served") {
		t.Fatalf("err = %v, want one telling to update Served", err)
	}
}
