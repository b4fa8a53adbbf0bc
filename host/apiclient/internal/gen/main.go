// Command gen writes host/apiclient/routes_gen.go from the host's route
// table; `go generate ./host/apiclient` runs it. See decision 0265.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/idbridge/idbridge/host/apiclient/internal/clientgen"
)

func main() {
	out := flag.String("out", "routes_gen.go", "file to write")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "apiclient gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	routes, err := clientgen.HostRoutes(ctx)
	if err != nil {
		return err
	}
	src, err := clientgen.Generate(routes)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
