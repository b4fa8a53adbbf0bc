package cli

import (
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/demo"
)

func init() { register(newDemoCmd) }

// newDemoCmd runs the whole product on the embedded default: the Clockify
// sandbox, a local marketplace, and the host with the demo directory,
// configured through the API as an admin would.
func newDemoCmd(g *Globals) *cobra.Command {
	var opts demo.Options
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the product end to end on the embedded demo directory and the Clockify sandbox",
		Long: `Run the product end to end with nothing but the built binaries (make build ext):
the Clockify sandbox with seeded accounts (some stale), a local marketplace
serving dist/, and "idbridge serve" on a fresh data folder with the embedded demo
directory. The demo then, as an admin through the REST API, installs the
Clockify extension by name, enables an integration, plans an inbound sync that
names the stale accounts, installs the lifecycle templates and automations,
onboards and offboards a few people, checks each outcome in the sandbox and
prints a report. It keeps serving the API and console until Ctrl-C, or ends
after the report with --short. On exit it removes its temporary folder, the
admin token included, unless --keep is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Bin == "" {
				exe, err := os.Executable()
				if err != nil {
					return err
				}
				opts.Bin = filepath.Dir(exe)
			}
			opts.Out = g.Out
			if g.JSON() {
				opts.Out = g.Err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep, err := demo.Run(ctx, opts)
			if rep != nil && g.JSON() {
				_ = g.Print(rep, nil)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Bin, "bin", "", "folder holding idbridge and clockify-sandbox (default: this binary's folder)")
	f.StringVar(&opts.Dist, "dist", "dist", "folder of signed .ext archives to serve as the marketplace")
	f.StringVar(&opts.PublicKey, "key", filepath.Join(".data", "marketplace-dev.key.pub"), "public key that signed the archives")
	f.StringVar(&opts.Work, "work", "", "folder for the fresh data folder and logs, left in place (default: a new temporary folder, removed on exit)")
	f.BoolVar(&opts.Keep, "keep", false, "keep the temporary folder (data folder, admin token, logs) after the demo ends")
	f.StringVar(&opts.Listen, "listen", app.DefaultListen, "the host's address (127.0.0.1:0 picks a free port)")
	f.BoolVar(&opts.Short, "short", false, "end after the report instead of serving until Ctrl-C (for CI)")
	f.BoolVar(&opts.Short, "exit-after-report", false, "same as --short")
	_ = cmd.MarkFlagDirname("bin")
	_ = cmd.MarkFlagDirname("dist")
	_ = cmd.MarkFlagDirname("work")
	return cmd
}
