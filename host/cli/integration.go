package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/integrations"
)

func init() { register(newIntegrationCmd) }

// newIntegrationCmd manages integrations: an installed extension's
// connector with its settings and credentials. Secrets are read from
// files or stdin, never from the command line, where other users and the
// shell history would see them.
func newIntegrationCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "integration", Aliases: []string{"integrations"},
		Short: "Create, configure, test, enable and disable integrations"}

	cmd.AddCommand(&cobra.Command{
		Use: "list", Short: "List integrations", Args: cobra.NoArgs,
		RunE: showing(g, list((*apiclient.Client).GetIntegrations), func(w io.Writer, list []integrations.View) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tEXTENSION\tENABLED\tLAST TEST")
			for _, v := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", v.ID, v.Name, v.ExtensionID, v.Enabled, lastTest(v.LastTest))
			}
			return tw.Flush()
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use: "show ID", Short: "Show an integration; secrets show only whether they are set", Args: cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetIntegrationsID), func(w io.Writer, v integrations.View) error { return printIntegration(w, &v) }),
	})

	var create struct {
		id, name string
		set      []string
		secrets  []string
	}
	createCmd := &cobra.Command{
		Use:   "create EXTENSION [--id ID] [--name NAME] [--set KEY=VALUE...] [--secret KEY=@FILE...]",
		Short: "Create a disabled integration of an installed extension",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			settings, err := keyValues(create.set, false)
			if err != nil {
				return err
			}
			auth, err := keyValues(create.secrets, true)
			if err != nil {
				return err
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			req := integrations.CreateRequest{ID: create.id, ExtensionID: args[0], Name: create.name, Settings: settings, Authorization: auth}
			v, err := c.PostIntegrations(cmd.Context(), req)
			if err != nil {
				return err
			}
			return g.Print(v, func(w io.Writer) error {
				fmt.Fprintf(w, "Created integration %s (disabled).\n", v.ID)
				if len(v.Missing) > 0 {
					fmt.Fprintf(w, "Still to set before enabling: %s\n", strings.Join(v.Missing, ", "))
				}
				return nil
			})
		},
	}
	createCmd.Flags().StringVar(&create.id, "id", "", "integration id (default: a slug of the name)")
	createCmd.Flags().StringVar(&create.name, "name", "", "display name (default: the extension id)")
	createCmd.Flags().StringArrayVar(&create.set, "set", nil, "plain setting KEY=VALUE (repeatable)")
	createCmd.Flags().StringArrayVar(&create.secrets, "secret", nil, "secret setting KEY=@FILE or KEY=- for stdin (repeatable)")
	cmd.AddCommand(createCmd)

	setCmd := &cobra.Command{
		Use: "set ID KEY=VALUE...", Short: "Change plain settings; KEY= removes one", Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			patch, err := keyValues(args[1:], false)
			if err != nil {
				return err
			}
			return patchIntegration(cmd, g, args[0], "settings", (*apiclient.Client).PatchIntegrationsIDSettings, patch)
		},
	}
	cmd.AddCommand(setCmd)

	authCmd := &cobra.Command{
		Use:   "auth ID KEY=@FILE|KEY=-...",
		Short: "Set secret settings (e.g. the API key) from a file or stdin; they are sealed and never shown again",
		Args:  cobra.MinimumNArgs(2),
		Example: `  idbridge integration auth clockify apiKey=@clockify.key
  printf %s "$KEY" | idbridge integration auth clockify apiKey=-`,
		RunE: func(cmd *cobra.Command, args []string) error {
			patch, err := keyValues(args[1:], true)
			if err != nil {
				return err
			}
			return patchIntegration(cmd, g, args[0], "authorization", (*apiclient.Client).PatchIntegrationsIDAuthorization, patch)
		},
	}
	cmd.AddCommand(authCmd)

	for _, action := range []struct {
		name, short string
		call        func(*apiclient.Client, context.Context, string, ...apiclient.Option) (integrations.View, error)
	}{
		{"enable", "Start the connector, describe it, test the connection and enable the integration", (*apiclient.Client).PostIntegrationsIDEnable},
		{"disable", "Stop the connector and pause what uses the integration (configuration is kept)", (*apiclient.Client).PostIntegrationsIDDisable},
	} {
		cmd.AddCommand(&cobra.Command{
			Use: action.name + " ID", Short: action.short, Args: cobra.ExactArgs(1),
			RunE: showing(g, one(action.call), func(w io.Writer, v integrations.View) error {
				fmt.Fprintf(w, "Integration %s is %sd.\n", v.ID, action.name)
				if v.LastTest != nil && action.name == "enable" {
					printConnectionTest(w, v.LastTest)
				}
				return nil
			}),
		})
	}

	cmd.AddCommand(&cobra.Command{
		Use: "test ID", Short: "Test the connection with the saved settings (exit code 1 when a check fails)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			r, err := c.PostIntegrationsIDTest(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := g.Print(r, func(w io.Writer) error { printConnectionTest(w, &r); return nil }); err != nil {
				return err
			}
			if !r.OK {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("the connection test of %s failed", args[0])}
			}
			return nil
		},
	})

	cmd.AddCommand(&cobra.Command{
		Use: "delete ID", Short: "Delete a disabled integration and its configuration", Args: cobra.ExactArgs(1),
		RunE: deleting(g, "integration", (*apiclient.Client).DeleteIntegrationsID),
	})
	return cmd
}

func patchIntegration(cmd *cobra.Command, g *Globals, id, what string,
	send func(*apiclient.Client, context.Context, string, map[string]string, ...apiclient.Option) (integrations.View, error), patch map[string]string) error {
	c, err := g.Client()
	if err != nil {
		return err
	}
	v, err := send(c.Client, cmd.Context(), id, patch)
	if err != nil {
		return err
	}
	return g.Print(v, func(w io.Writer) error {
		fmt.Fprintf(w, "Saved %d %s value(s) of %s.\n", len(patch), what, v.ID)
		if len(v.Missing) > 0 {
			fmt.Fprintf(w, "Still to set before enabling: %s\n", strings.Join(v.Missing, ", "))
		}
		return nil
	})
}

// keyValues parses KEY=VALUE arguments. With secret, the value must be
// @FILE or - (stdin), so that a secret never appears in the process list.
func keyValues(args []string, secret bool) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%q: write KEY=VALUE", a)}
		}
		if secret {
			val, err := secretValue(k, v)
			if err != nil {
				return nil, err
			}
			v = val
		}
		out[k] = v
	}
	return out, nil
}

func secretValue(key, v string) (string, error) {
	var raw []byte
	var err error
	switch {
	case v == "-":
		raw, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	case strings.HasPrefix(v, "@"):
		raw, err = os.ReadFile(v[1:])
	default:
		return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf(
			"%s: give a secret as %s=@FILE or %s=- (stdin), never on the command line", key, key, key)}
	}
	if err != nil {
		return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("read the value of %s: %w", key, err)}
	}
	return strings.TrimRight(string(raw), "\r\n"), nil
}

func lastTest(t *integrations.TestResult) string {
	switch {
	case t == nil:
		return "never"
	case t.OK:
		return "ok " + t.At.Format("2006-01-02 15:04")
	}
	return "failed " + t.At.Format("2006-01-02 15:04")
}

func printIntegration(w io.Writer, v *integrations.View) error {
	fmt.Fprintf(w, "%s (%s), extension %s, enabled: %v\n", v.Name, v.ID, v.ExtensionID, v.Enabled)
	if v.Connector != nil {
		fmt.Fprintf(w, "connector: %s %s (protocol %d)\n", v.Connector.Name, v.Connector.Version, v.Connector.Protocol)
	}
	keys := make([]string, 0, len(v.Settings))
	for k := range v.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s = %s\n", k, v.Settings[k])
	}
	keys = keys[:0]
	for k := range v.Authorization {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		state := "not set"
		if v.Authorization[k].Set {
			state = v.Authorization[k].Value
		}
		fmt.Fprintf(w, "  %s (secret) = %s\n", k, state)
	}
	if len(v.Missing) > 0 {
		fmt.Fprintf(w, "missing: %s\n", strings.Join(v.Missing, ", "))
	}
	fmt.Fprintf(w, "last test: %s\n", lastTest(v.LastTest))
	return nil
}

func printConnectionTest(w io.Writer, r *integrations.TestResult) {
	verdict := "passed"
	if !r.OK {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "Connection test %s", verdict)
	if r.Account != "" {
		fmt.Fprintf(w, " (account %s)", r.Account)
	}
	fmt.Fprintln(w)
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  [%s] %s", c.Status, c.Name)
		if c.Message != "" {
			fmt.Fprintf(w, ": %s", c.Message)
		}
		fmt.Fprintln(w)
		if c.Remedy != "" && c.Status == "failed" {
			fmt.Fprintf(w, "      fix: %s\n", c.Remedy)
		}
	}
}
