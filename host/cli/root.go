package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/version"
)

// DefaultAddr is where `idbridge serve` listens and clients look by
// default: loopback only, so a fresh host is not exposed to the network.
const DefaultAddr = "http://127.0.0.1:8470"

// Output formats accepted by --output.
const (
	OutputText = "text"
	OutputJSON = "json"
)

// Globals are the settings every command shares, filled from the global
// flags and the environment before a command runs.
type Globals struct {
	// Addr is the host's API address (--addr, IDBRIDGE_ADDR).
	Addr string
	// Token is the API token (IDBRIDGE_TOKEN or --token-file).
	Token string
	// TokenFile is read into Token when set.
	TokenFile string
	// Output is "text" or "json" (--output).
	Output string
	// Out and Err are where commands print; tests replace them.
	Out, Err io.Writer
	// Env reads environment variables; tests replace it.
	Env func(string) string
}

// Client returns an API client for the host named by the globals.
func (g *Globals) Client() (*Client, error) {
	if g.Token == "" {
		return nil, &ExitError{Code: ExitAuth, Err: errors.New(
			"no API token: set IDBRIDGE_TOKEN (or --token-file); the first admin token is in the host's data folder, admin.token")}
	}
	c, err := NewClient(g.Addr, g.Token, g.Env(CAFileEnv))
	if err != nil {
		return nil, err
	}
	c.bars = g.bars()
	return c, nil
}

// JSON reports whether --output json was asked for.
func (g *Globals) JSON() bool { return g.Output == OutputJSON }

// Print writes v as indented JSON with --output json, or calls text
// otherwise. Commands pass the same value they would print as text, so
// scripts get every field.
func (g *Globals) Print(v any, text func(w io.Writer) error) error {
	if g.JSON() || text == nil {
		enc := json.NewEncoder(g.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return text(g.Out)
}

// NewRoot builds the idbridge command tree with every registered command.
func NewRoot(g *Globals) *cobra.Command {
	if g.Env == nil {
		g.Env = os.Getenv
	}
	if g.Out == nil {
		g.Out = os.Stdout
	}
	if g.Err == nil {
		g.Err = os.Stderr
	}
	root := &cobra.Command{
		Use:   "idbridge",
		Short: "Keep SaaS accounts in line with Active Directory",
		Long: `idbridge is an identity-aware automation host. "idbridge serve" runs the host;
the other commands are clients of its REST API, found through IDBRIDGE_ADDR and
authenticated with IDBRIDGE_TOKEN, except "idbridge secrets", which works on a
stopped host's data folder. "idbridge demo" runs the whole product on the
embedded demo directory and the Clockify sandbox.

Every command prints text for people or, with --output json, the API's JSON for
scripts. Long work (downloads, syncs, applies) draws a progress bar when stderr
is a terminal.

Exit codes:
  0  success
  1  failure (including a failed connection or webhook test)
  2  wrong command line or a request the host refused as invalid
  3  no token, an unknown token, or a token without the role needed
  4  the object named does not exist
  5  conflict: it already exists or changed meanwhile
  6  the host cannot be reached or is not ready

Shell completion: source <(idbridge completion bash)   (also zsh, fish, powershell)`,
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return g.resolve(cmd)
		},
	}
	root.SetOut(g.Out)
	root.SetErr(g.Err)
	flags := root.PersistentFlags()
	flags.StringVar(&g.Addr, "addr", "", "address of the idbridge host API (env IDBRIDGE_ADDR, default "+DefaultAddr+"); for https:// with a private CA set IDBRIDGE_CA_FILE")
	flags.StringVar(&g.TokenFile, "token-file", "", "read the API token from this file instead of IDBRIDGE_TOKEN")
	flags.StringVarP(&g.Output, "output", "o", OutputText, "output format: text or json")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{OutputText, OutputJSON}, cobra.ShellCompDirectiveNoFileComp))

	for _, c := range registered() {
		addMerged(root, c(g))
	}
	return root
}

// resolve fills the globals from the environment where flags were not set
// and validates them.
func (g *Globals) resolve(cmd *cobra.Command) error {
	if g.Addr == "" {
		g.Addr = g.Env("IDBRIDGE_ADDR")
	}
	if g.Addr == "" {
		g.Addr = DefaultAddr
	}
	g.Token = strings.TrimSpace(g.Env("IDBRIDGE_TOKEN"))
	if g.TokenFile != "" {
		raw, err := os.ReadFile(g.TokenFile)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("read --token-file: %w", err)}
		}
		g.Token = strings.TrimSpace(string(raw))
	}
	if g.Output != OutputText && g.Output != OutputJSON {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--output %q: use text or json", g.Output)}
	}
	return nil
}

// Execute runs the command line and returns the process exit code. Errors
// are printed on g.Err as one line starting with "error: ".
func Execute(ctx context.Context, args []string, g *Globals) int {
	root := NewRoot(g)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(g.Err, "error:", err)
	return processExitCode(err)
}

// processExitCode is ExitCode, with cobra's own argument and flag errors
// taken for usage errors.
func processExitCode(err error) int {
	code := ExitCode(err)
	if code == ExitFailure && isUsageError(err) {
		code = ExitUsage
	}
	return code
}

// isUsageError recognises cobra's argument and flag errors, which it
// returns as plain errors. The host's answers are never judged by their
// words (their code decides): "larger than this host accepts" is no
// usage error.
func isUsageError(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return false
	}
	msg := err.Error()
	for _, s := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "flag needs an argument", "invalid argument", "required flag"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
