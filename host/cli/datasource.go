package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	idsync "github.com/idbridge/idbridge/host/sync"

	"github.com/idbridge/idbridge/host/apiclient"
)

func init() { register(newDataSourceCmd) }

// newDataSourceCmd manages data sources. Create and edit send the whole
// definition; the host validates it against the endpoints' fields and the
// directory schema and refuses it with every problem listed.
func newDataSourceCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "datasource", Aliases: []string{"datasources", "ds"}, Short: "Manage data sources (LDAP attribute mappings)"}

	cmd.AddCommand(&cobra.Command{
		Use: "list", Short: "List data sources", Args: cobra.NoArgs,
		RunE: showing(g, list((*apiclient.Client).GetDatasources), func(w io.Writer, list []idsync.DataSource) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCATEGORY\tENDPOINTS\tMAPPINGS\tMATCH")
			for _, d := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s = %s\n", d.ID, d.Name, d.Category, len(d.Endpoints), len(d.Mappings),
					matchSource(d), d.Match.Attribute)
			}
			return tw.Flush()
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use: "show ID", Short: "Show a data source", Args: cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetDatasourcesID), func(w io.Writer, d idsync.DataSource) error {
			fmt.Fprintf(w, "%s (%s), %s\n", d.Name, d.ID, d.Category)
			if d.Description != "" {
				fmt.Fprintln(w, d.Description)
			}
			for _, e := range d.Endpoints {
				fmt.Fprintf(w, "endpoint %s: %s/%s, key %s\n", e.Alias, e.IntegrationID, e.EndpointID, e.PrimaryKey)
			}
			fmt.Fprintf(w, "match: %s = %s\n", matchSource(d), d.Match.Attribute)
			for _, m := range d.Mappings {
				src := m.Format
				if src == "" {
					src = m.Field.String()
				}
				fmt.Fprintf(w, "map: %s <- %s\n", m.Attribute, src)
			}
			if d.Options.ChangeLimit > 0 {
				fmt.Fprintf(w, "change limit: %d\n", d.Options.ChangeLimit)
			}
			_, err := fmt.Fprintf(w, "scope: %s %s\n", orDefault(d.Scope.Base, "(directory base)"), d.Scope.Filter)
			return err
		}),
	})

	save := func(use, short string, create bool) *cobra.Command {
		var file string
		c := &cobra.Command{
			Use: use, Short: short, Args: cobra.MaximumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				var d idsync.DataSource
				if err := readJSONFile(file, &d); err != nil {
					return err
				}
				c, err := g.Client()
				if err != nil {
					return err
				}
				var out idsync.DataSource
				if create {
					out, err = c.PostDatasources(cmd.Context(), d)
				} else {
					if len(args) != 1 {
						return &ExitError{Code: ExitUsage, Err: fmt.Errorf("usage: datasource edit ID --file DEF.json")}
					}
					out, err = c.PutDatasourcesID(cmd.Context(), args[0], d)
				}
				if err != nil {
					return err
				}
				return g.Print(out, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "Saved data source %s; preview it with `idbridge sync plan %s`.\n", out.ID, out.ID)
					return err
				})
			},
		}
		c.Flags().StringVarP(&file, "file", "f", "", "JSON definition of the data source (- for stdin)")
		return c
	}
	cmd.AddCommand(save("create --file DEF.json", "Create a data source (validated at save)", true))
	cmd.AddCommand(save("edit ID --file DEF.json", "Replace a data source (validated at save)", false))

	cmd.AddCommand(&cobra.Command{
		Use: "delete ID", Short: "Delete a data source (its run records stay)", Args: cobra.ExactArgs(1),
		RunE: deleting(g, "data source", (*apiclient.Client).DeleteDatasourcesID),
	})
	return cmd
}

func matchSource(d idsync.DataSource) string {
	if d.Match.Format != "" {
		return d.Match.Format
	}
	return d.Match.Field.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
