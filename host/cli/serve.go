package cli

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/app"
)

func init() { register(newServeCmd) }

// newServeCmd runs the long-lived host. It stops gracefully on SIGINT and
// SIGTERM: running API calls finish, services stop, every plugin exits.
func newServeCmd(g *Globals) *cobra.Command {
	var (
		data, listen, level string
		logJSON             bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the idbridge host (API, plugins, automations)",
		Long: `Run the idbridge host until SIGINT or SIGTERM.

On first start the host writes an admin API token to DATA/admin.token (mode
0600); export it as IDBRIDGE_TOKEN for the other commands.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if data == "" {
				data = g.Env("IDBRIDGE_DATA")
			}
			if data == "" {
				data = "idbridge-data"
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := app.NewLogger(g.Err, logJSON, level)
			a, err := app.New(ctx, app.Options{DataDir: data, Listen: listen, Logger: log})
			if err != nil {
				return err
			}
			if err := a.Run(ctx); err != nil && ctx.Err() == nil {
				return err
			}
			return nil // stopped by a signal: a clean stop
		},
	}
	f := cmd.Flags()
	f.StringVar(&data, "data", "", "data folder (env IDBRIDGE_DATA, default ./idbridge-data)")
	f.StringVar(&listen, "listen", app.DefaultListen, "API address; keep it on loopback unless a TLS proxy fronts it")
	f.StringVar(&level, "log-level", "info", "log level: trace, debug, info, warn or error")
	f.BoolVar(&logJSON, "log-json", false, "log one JSON object per line")
	_ = cmd.MarkFlagDirname("data")
	return cmd
}
