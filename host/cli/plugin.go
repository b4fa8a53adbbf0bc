package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/version"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
)

func init() { register(newPluginCmd) }

func newPluginCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "plugin", Short: "Run connector binaries and see their processes"}
	cmd.AddCommand(newPluginDescribeCmd(g), newPluginConformCmd(g), newPluginStatusCmd(g), newPluginResetCmd(g))
	return cmd
}

// newPluginDescribeCmd is the connector author's first tool: it launches a
// binary exactly as the host would and prints what it declares. It runs
// locally and needs no host.
func newPluginDescribeCmd(g *Globals) *cobra.Command {
	var (
		timeout time.Duration
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "describe PATH",
		Short: "Launch a connector (an executable or an extension folder) and print what it declares",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log := hclog.NewNullLogger()
			if verbose {
				log = app.NewLogger(g.Err, false, "debug")
			}
			resp, sum, err := describe(cmd.Context(), args[0], timeout, log)
			if err != nil {
				return err
			}
			if g.JSON() {
				// protojson keeps the protocol's own field names and enums.
				raw, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(resp)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(g.Out, string(raw))
				return err
			}
			return printDescribe(g.Out, args[0], sum, resp)
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long the connector may take to start and answer")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "show the connector's own log and the launch steps on stderr")
	return cmd
}

// describe launches the binary under a throw-away supervisor, pinning the
// hash it computes now, and stops it again.
func describe(ctx context.Context, path string, timeout time.Duration, log hclog.Logger) (*connectorv1.DescribeResponse, string, error) {
	target, err := connectorTarget(ctx, path)
	if err != nil {
		return nil, "", &ExitError{Code: ExitUsage, Err: err}
	}
	sup := pluginhost.NewSupervisor(pluginhost.Config{Logger: log, StartTimeout: timeout, CrashLoopAfter: 1})
	defer sup.Shutdown(context.WithoutCancel(ctx))
	h, err := sup.Add("describe", target)
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := h.Describe(ctx, &connectorv1.DescribeRequest{HostProtocolVersion: wire.ProtocolVersion, HostVersion: version.Version})
	if err != nil {
		return nil, "", fmt.Errorf("describe %s: %w", path, err)
	}
	return resp, target.SHA256, nil
}

func printDescribe(w io.Writer, path, sum string, d *connectorv1.DescribeResponse) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	info := d.GetInfo()
	fmt.Fprintf(tw, "Connector:\t%s (%s) %s\n", info.GetName(), info.GetId(), info.GetVersion())
	fmt.Fprintf(tw, "Publisher:\t%s\n", info.GetPublisher())
	if info.GetDescription() != "" {
		fmt.Fprintf(tw, "Description:\t%s\n", info.GetDescription())
	}
	if info.GetDocumentationUrl() != "" {
		fmt.Fprintf(tw, "Documentation:\t%s\n", info.GetDocumentationUrl())
	}
	fmt.Fprintf(tw, "Protocol:\tv%d\n", d.GetProtocolVersion())
	fmt.Fprintf(tw, "Binary:\t%s\n", path)
	fmt.Fprintf(tw, "SHA-256:\t%s\n", sum)
	var caps []string
	for _, c := range d.GetCapabilities() {
		caps = append(caps, strings.ToLower(strings.TrimPrefix(c.String(), "CAPABILITY_")))
	}
	fmt.Fprintf(tw, "Capabilities:\t%s\n", strings.Join(caps, ", "))
	if rl := d.GetRateLimit(); rl != nil {
		fmt.Fprintf(tw, "Rate limit:\t%g requests/s, burst %d\n", rl.GetRequestsPerSecond(), rl.GetBurst())
	}
	tw.Flush()

	fmt.Fprintf(w, "\nSettings (%d):\n", len(d.GetSettings()))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  KEY\tTYPE\tREQUIRED\tSECRET\tLABEL")
	for _, s := range d.GetSettings() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.GetKey(), strings.ToLower(strings.TrimPrefix(s.GetType().String(), "SETTING_TYPE_")),
			yes(s.GetRequired()), yes(s.GetSecret()), s.GetLabel())
	}
	tw.Flush()

	fmt.Fprintf(w, "\nInbound endpoints (%d):\n", len(d.GetEndpoints()))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tREQUEST\tFIELDS\tKEY\tNAME")
	for _, e := range d.GetEndpoints() {
		fmt.Fprintf(tw, "  %s\t%s %s\t%d\t%s\t%s\n", e.GetId(), e.GetMethod(), e.GetUrl(), len(e.GetFields()), e.GetPrimaryKey(), e.GetName())
	}
	tw.Flush()

	fmt.Fprintf(w, "\nOutbound webhooks (%d):\n", len(d.GetWebhooks()))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tREQUEST\tOUTPUTS\tCATEGORY\tNAME")
	for _, h := range d.GetWebhooks() {
		var outs []string
		for _, o := range h.GetOutputs() {
			outs = append(outs, o.GetName())
		}
		fmt.Fprintf(tw, "  %s\t%s %s\t%s\t%s\t%s\n", h.GetId(), h.GetMethod(), h.GetUrl(), strings.Join(outs, ","), h.GetCategory(), h.GetName())
	}
	return tw.Flush()
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}

func newPluginStatusCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "status [ID]",
		Short: "Show the host's connector processes: state, restarts, last error",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			var list []pluginhost.Status
			if len(args) == 1 {
				one, err := c.GetPluginsID(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				list = []pluginhost.Status{one}
			} else if list, err = c.GetPlugins(cmd.Context()); err != nil {
				return err
			}
			return g.Print(list, func(w io.Writer) error {
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tSTATE\tSINCE\tPID\tRESTARTS\tLAST ERROR")
				for _, s := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", s.ID, s.Name, s.State, s.Since.Format(time.RFC3339), s.PID, s.Restarts, s.LastError)
				}
				return tw.Flush()
			})
		},
	}
}

func newPluginResetCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "reset ID",
		Short: "Clear a connector's crash loop so the next call starts it again (admin)",
		Args:  cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).PostPluginsIDReset), func(w io.Writer, st pluginhost.Status) error {
			_, err := fmt.Fprintf(w, "Connector %s reset; it is %s and starts on its next call.\n", st.ID, st.State)
			return err
		}),
	}
}
