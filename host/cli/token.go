package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
)

func init() { register(newTokenCmd) }

// newTokenCmd manages API tokens: the smallest client of the API, and the
// way an admin hands out operator and auditor tokens.
func newTokenCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens (admin)"}

	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List API tokens (their secrets are never shown again)",
		Args:  cobra.NoArgs,
		RunE: showing(g, list((*apiclient.Client).GetTokens), func(w io.Writer, recs []api.TokenRecord) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED")
			for _, r := range recs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Role, r.Created.Format("2006-01-02 15:04"))
			}
			return tw.Flush()
		}),
	})

	var role string
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an API token and print its secret once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := api.ParseRole(role)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			out, err := c.PostTokens(cmd.Context(), api.CreateTokenRequest{Name: args[0], Role: r})
			if err != nil {
				return err
			}
			return g.Print(out, func(w io.Writer) error {
				fmt.Fprintf(w, "Created %s token %q (id %s). Its secret, shown only now:\n%s\n", out.Role, out.Name, out.ID, out.Token)
				return nil
			})
		},
	}
	create.Flags().StringVar(&role, "role", "auditor", "role of the token: admin, operator or auditor")
	_ = create.RegisterFlagCompletionFunc("role", cobra.FixedCompletions([]string{"admin", "operator", "auditor"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(create)

	cmd.AddCommand(&cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token by its id",
		Args:  cobra.ExactArgs(1),
		RunE: removing(g, "revoked", removeOne((*apiclient.Client).DeleteTokensID), func(args []string) string {
			return fmt.Sprintf("Revoked token %s.", args[0])
		}),
	})
	return cmd
}
