package apiclient_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/idbridge/idbridge/host/apiclient/internal/clientgen"
)

// TestGeneratedClientIsCurrent fails when a route was added, removed or
// retyped without regenerating the client, so the CLI, the console and
// the demo cannot drift from the API (decision 0265).
func TestGeneratedClientIsCurrent(t *testing.T) {
	routes, err := clientgen.HostRoutes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, err := clientgen.Generate(routes)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("routes_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatal("routes_gen.go differs from the host's route table: run `make client` (go generate ./host/apiclient) and commit it")
	}
}
