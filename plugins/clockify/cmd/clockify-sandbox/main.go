// Command clockify-sandbox serves a local stand-in for the Clockify REST API
// v1, for demos and for trying a connector without a Clockify account. It
// prints the base URL, workspace and keys to use, and runs until SIGINT or
// SIGTERM.
//
//	clockify-sandbox --listen 127.0.0.1:8471 --seed seed.json --api-key MYKEY --rate 50 --validate
//	clockify-sandbox --generate-users 100000 --rate -1
//	clockify-sandbox --demo --api-key MYKEY
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "clockify-sandbox:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	listen   string
	seedFile string
	generate int
	apiKey   string
	rate     float64
	validate bool
	demo     bool
	verbose  bool
}

// errNotLoopback refuses addresses other machines could reach: the sandbox
// has well-known keys and no TLS.
var errNotLoopback = errors.New("--listen must be a loopback address such as 127.0.0.1:8471")

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("clockify-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8471", "loopback address to listen on")
	fs.StringVar(&c.seedFile, "seed", "", "JSON seed file (default: the built-in demo workspace)")
	fs.IntVar(&c.generate, "generate-users", 0, "serve a generated workspace with this many members instead of a seed (for benchmarks)")
	fs.StringVar(&c.apiKey, "api-key", "", "X-Api-Key to accept for the first workspace's owner (replaces the built-in admin key)")
	fs.Float64Var(&c.rate, "rate", 50, "requests per second allowed per workspace; negative turns the limit off")
	fs.BoolVar(&c.demo, "demo", false, "serve the idbridge demo's workspace: the built-in one plus stale accounts")
	fs.BoolVar(&c.validate, "validate", false, "check every request and response against the official spec and log violations")
	fs.BoolVar(&c.verbose, "verbose", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	host, _, err := net.SplitHostPort(c.listen)
	if err != nil {
		return c, fmt.Errorf("--listen %q: %w", c.listen, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return c, errNotLoopback
	}
	if c.generate < 0 || (c.generate > 0 && c.seedFile != "") {
		return c, errors.New("--generate-users takes a positive count and cannot be combined with --seed")
	}
	if c.demo && (c.generate > 0 || c.seedFile != "") {
		return c, errors.New("--demo cannot be combined with --seed or --generate-users")
	}
	if c.rate == 0 {
		return c, errors.New("--rate 0 would refuse every request; use a negative rate to turn the limit off")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	seed := sandbox.DefaultSeed()
	if c.demo {
		seed = sandbox.DemoSeed()
	}
	if c.generate > 0 {
		seed = sandbox.GenerateSeed(c.generate)
	}
	if c.seedFile != "" {
		if seed, err = sandbox.LoadSeed(c.seedFile); err != nil {
			return err
		}
	}
	if c.apiKey != "" {
		if err := setAdminKey(seed, c.apiKey); err != nil {
			return err
		}
	}
	level := hclog.Info
	if c.verbose {
		level = hclog.Debug
	}
	logger := hclog.New(&hclog.LoggerOptions{Level: level, Output: stderr}) // the sandbox names its own sub-logger

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := sandbox.Start(ctx, sandbox.Options{Listen: c.listen, Seed: seed, Rate: c.rate, Logger: logger, ValidateSpec: c.validate})
	if err != nil {
		return err
	}
	printBanner(stdout, srv.BaseURL(), seed)
	<-ctx.Done()
	if c.validate {
		for _, v := range srv.SpecViolations() {
			logger.Warn("spec violation", "detail", v)
		}
	}
	return srv.Close()
}

// setAdminKey gives the first workspace's owner or admin the given key,
// replacing any key that user had.
func setAdminKey(seed *sandbox.Seed, key string) error {
	ws := seed.Workspaces[0]
	for _, u := range ws.Users {
		for _, r := range u.Roles {
			if (r.Role != "OWNER" && r.Role != "WORKSPACE_ADMIN") || u.MembershipStatus == "INACTIVE" {
				continue
			}
			kept := seed.APIKeys[:0]
			for _, k := range seed.APIKeys {
				if k.Key != key && (k.UserID != u.ID || k.Addon) {
					kept = append(kept, k)
				}
			}
			seed.APIKeys = append(kept, sandbox.APIKey{ID: "cli-admin-key", Key: key, UserID: u.ID})
			return nil
		}
	}
	return fmt.Errorf("--api-key: workspace %s has no owner or admin to give the key to; add a role in the seed", ws.ID)
}

// printBanner tells the user what to configure in a client.
func printBanner(w io.Writer, baseURL string, seed *sandbox.Seed) {
	fmt.Fprintf(w, "Clockify sandbox listening\n  base URL:  %s\n", baseURL)
	for _, ws := range seed.Workspaces {
		fmt.Fprintf(w, "  workspace: %s (%s, %d users)\n", ws.ID, ws.Name, len(ws.Users))
	}
	for _, k := range seed.APIKeys {
		header := "X-Api-Key"
		if k.Addon {
			header = "X-Addon-Token"
		}
		fmt.Fprintf(w, "  %s %s: %s (user %s)\n", header, k.ID, k.Key, k.UserID)
	}
	fmt.Fprintln(w, "Press Ctrl+C to stop.")
}
