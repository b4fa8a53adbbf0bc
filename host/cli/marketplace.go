package cli

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/marketplace/catalog"
)

func init() { register(newMarketplaceCmd) }

// newMarketplaceCmd groups the catalog commands: index and serve run a
// marketplace from a folder on this machine; add, list and remove set up
// the catalogs a host installs from, through its API.
func newMarketplaceCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "marketplace", Short: "Publish a catalog of extensions, or point the host at catalogs"}
	cmd.AddCommand(mpIndexCmd(g), mpServeCmd(g), mpAddCmd(g), mpListCmd(g), mpRemoveCmd(g))
	return cmd
}

func mpIndexCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "index DIR",
		Short: "Write DIR/index.json listing the .ext files in DIR; works locally",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			idx, err := catalog.WriteFile(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return g.Print(idx, func(w io.Writer) error {
				n := 0
				for _, e := range idx.Extensions {
					n += len(e.Versions)
				}
				_, err := fmt.Fprintf(w, "Indexed %d extensions (%d versions) in %s/%s.\n", len(idx.Extensions), n, args[0], catalog.IndexName)
				return err
			})
		},
	}
}

func mpServeCmd(g *Globals) *cobra.Command {
	var listen string
	c := &cobra.Command{
		Use:   "serve DIR",
		Short: "Serve a catalog folder read-only over HTTP until interrupted; works locally",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger := hclog.New(&hclog.LoggerOptions{Name: "marketplace", Output: g.Err, Level: hclog.Info})
			return catalog.Serve(ctx, args[0], listen, logger, func(a net.Addr) {
				fmt.Fprintf(g.Out, "Serving %s at http://%s/ (index at /%s). Press Ctrl-C to stop.\n", args[0], a, catalog.IndexName)
			})
		},
	}
	c.Flags().StringVar(&listen, "listen", catalog.DefaultListen, "address to listen on; loopback unless you mean to publish")
	return c
}

func mpAddCmd(g *Globals) *cobra.Command {
	var keyFile string
	c := &cobra.Command{
		Use:   "add NAME LOCATION",
		Short: "Point the host at a catalog (URL or folder on the host), optionally trusting its signing key",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := extensions.AddCatalogRequest{Name: args[0], Location: args[1]}
			if keyFile != "" {
				pem, err := os.ReadFile(keyFile)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				req.PublicKey = string(pem)
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			out, err := c.PostCatalogs(cmd.Context(), req)
			if err != nil {
				return err
			}
			return g.Print(out, func(w io.Writer) error {
				fmt.Fprintf(w, "Added catalog %s at %s.\n", out.Name, out.Location)
				if out.Key != nil {
					fmt.Fprintf(w, "Trusting its signing key %s.\n", out.Key.KeyID)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&keyFile, "key", "", "the catalog's public signing key (.pub) to trust")
	return c
}

func mpListCmd(g *Globals) *cobra.Command {
	var available bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List the host's catalogs, or with --extensions what they offer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			if available {
				list, err := c.GetCatalogsExtensions(cmd.Context())
				if err != nil {
					return err
				}
				return g.Print(list, func(w io.Writer) error {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "ID\tNAME\tPUBLISHER\tVERSIONS\tCATALOG")
					for _, a := range list {
						vs := make([]string, len(a.Versions))
						for i, v := range a.Versions {
							vs[i] = v.Version
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.ID, a.Name, a.Publisher, strings.Join(vs, ", "), a.Catalog)
					}
					return tw.Flush()
				})
			}
			cats, err := c.GetCatalogs(cmd.Context())
			if err != nil {
				return err
			}
			if len(cats) == 0 && !g.JSON() {
				fmt.Fprintln(g.Err, errNoCatalogs)
			}
			return g.Print(cats, func(w io.Writer) error {
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tLOCATION\tADDED")
				for _, c := range cats {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.Location, c.Added.Format("2006-01-02 15:04"))
				}
				return tw.Flush()
			})
		},
	}
	c.Flags().BoolVar(&available, "extensions", false, "list the extensions the catalogs offer")
	return c
}

func mpRemoveCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Forget a catalog; installed extensions stay",
		Args:  cobra.ExactArgs(1),
		RunE: removing(g, "removed", removeOne((*apiclient.Client).DeleteCatalogsName), func(args []string) string {
			return fmt.Sprintf("Removed catalog %s.", args[0])
		}),
	}
}
