// Command acme-directory-server serves the tutorial's Acme Directory test
// API on loopback, so the tutorial's connector can be tried in a running
// idbridge host without any account. It prints the base URL and the keys to
// use, and runs until SIGINT or SIGTERM.
//
//	acme-directory-server --listen 127.0.0.1:8490 --rate 20
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "acme-directory-server:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends; it is main without the process around it.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("acme-directory-server", flag.ContinueOnError)
	fs.SetOutput(out)
	listen := fs.String("listen", "127.0.0.1:8490", "address to listen on; loopback unless you mean to share it")
	perSecond := fs.Float64("rate", 0, "requests per second per API key before answering 429; 0 means unlimited")
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv, err := acmeapi.Start(acmeapi.Options{Listen: *listen, RatePerSecond: *perSecond})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Acme Directory test API at %s\n  tenant:     %s\n  admin key:  %s\n  reader key: %s\n",
		srv.URL(), acmeapi.DefaultTenant, acmeapi.DefaultAdminKey, acmeapi.DefaultReaderKey)
	<-ctx.Done()
	return srv.Close()
}
