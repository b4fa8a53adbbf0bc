// Command idbridge is the idbridge host and its command line client.
package main

import (
	"context"
	"os"

	"github.com/idbridge/idbridge/host/cli"
)

func main() {
	os.Exit(cli.Execute(context.Background(), os.Args[1:], &cli.Globals{}))
}
