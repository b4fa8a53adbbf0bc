package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/outbound"
)

func init() { register(newWebhookCmd) }

// newWebhookCmd manages an integration's outbound webhooks: the calls the
// host makes to the app, tested against real directory users before they
// are saved.
func newWebhookCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "webhook", Aliases: []string{"webhooks"}, Short: "List, test and save an integration's outbound webhooks"}

	cmd.AddCommand(&cobra.Command{
		Use: "list INTEGRATION", Short: "List the preconfigured and custom webhooks of an integration", Args: cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetIntegrationsIntegrationWebhooks), func(w io.Writer, list []outbound.Webhook) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tMETHOD\tURL\tKIND")
			for _, h := range list {
				kind := "custom"
				if h.Preconfigured {
					kind = "preconfigured"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.Name, h.Method, h.URL, kind)
			}
			return tw.Flush()
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use: "show INTEGRATION ID", Short: "Show one webhook", Args: cobra.ExactArgs(2),
		RunE: showing(g, two((*apiclient.Client).GetIntegrationsIntegrationWebhooksID), func(w io.Writer, h outbound.Webhook) error {
			fmt.Fprintf(w, "%s (%s): %s %s\n", h.Name, h.ID, h.Method, h.URL)
			if h.Description != "" {
				fmt.Fprintln(w, h.Description)
			}
			for _, kv := range h.Headers {
				fmt.Fprintf(w, "  header %s: %s\n", kv.Name, kv.Value)
			}
			if h.Body != "" {
				fmt.Fprintf(w, "body:\n%s\n", h.Body)
			}
			for _, o := range h.Outputs {
				fmt.Fprintf(w, "  output %s\n", o.Name)
			}
			return nil
		}),
	})

	var t struct {
		file    string
		objects []string
		inputs  []string
		save    bool
	}
	test := &cobra.Command{
		Use:   "test INTEGRATION [ID] --object USER... [--file DRAFT.json] [--input NAME=VALUE...] [--save]",
		Short: "Run a saved or draft webhook for chosen users and show request and response; --save keeps a passing draft",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var req outbound.TestRequest
			if t.file != "" {
				if err := readJSONFile(t.file, &req.Webhook); err != nil {
					return err
				}
			}
			req.Webhook.Integration = args[0]
			if len(args) == 2 {
				req.Webhook.ID = args[1]
			}
			if req.Webhook.ID == "" && t.file == "" {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("name a saved webhook (ID) or give a draft with --file")}
			}
			in, err := keyValues(t.inputs, false)
			if err != nil {
				return err
			}
			req.Inputs, req.Objects, req.Save = in, t.objects, t.save
			c, err := g.Client()
			if err != nil {
				return err
			}
			res, err := c.PostIntegrationsIntegrationWebhooksTest(cmd.Context(), args[0], req)
			if err != nil {
				return err
			}
			if err := g.Print(res, func(w io.Writer) error { return printWebhookTest(w, &res) }); err != nil {
				return err
			}
			if !res.OK {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("the webhook test failed")}
			}
			return nil
		},
	}
	test.Flags().StringVarP(&t.file, "file", "f", "", "JSON draft of the webhook (- for stdin)")
	test.Flags().StringArrayVar(&t.objects, "object", nil, "a user's DN, objectGUID or sAMAccountName to test with (repeatable)")
	test.Flags().StringArrayVar(&t.inputs, "input", nil, "value of an input binding NAME=VALUE (repeatable)")
	test.Flags().BoolVar(&t.save, "save", false, "save the draft when the test passes (admin)")
	cmd.AddCommand(test)

	var saveFile string
	save := &cobra.Command{
		Use: "save INTEGRATION ID --file DEF.json", Short: "Save a custom webhook without testing it (prefer test --save)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var h outbound.Webhook
			if err := readJSONFile(saveFile, &h); err != nil {
				return err
			}
			h.Integration, h.ID = args[0], args[1]
			c, err := g.Client()
			if err != nil {
				return err
			}
			out, err := c.PutIntegrationsIntegrationWebhooksID(cmd.Context(), args[0], args[1], h)
			if err != nil {
				return err
			}
			return g.Print(out, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Saved webhook %s of %s.\n", out.ID, out.Integration)
				return err
			})
		},
	}
	save.Flags().StringVarP(&saveFile, "file", "f", "", "JSON definition of the webhook (- for stdin)")
	cmd.AddCommand(save)

	cmd.AddCommand(&cobra.Command{
		Use: "delete INTEGRATION ID", Short: "Delete a custom webhook", Args: cobra.ExactArgs(2),
		RunE: removing(g, "deleted", removeTwo((*apiclient.Client).DeleteIntegrationsIntegrationWebhooksID), func(args []string) string {
			return fmt.Sprintf("Deleted webhook %s of %s.", args[1], args[0])
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use: "macros INTEGRATION", Short: "List the macros a webhook of the integration may use", Args: cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetIntegrationsIntegrationMacros), func(w io.Writer, list []macro.MacroInfo) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "MACRO\tDESCRIPTION")
			for _, m := range list {
				fmt.Fprintf(tw, "%s\t%s\n", m.Macro, m.Description)
			}
			return tw.Flush()
		}),
	})
	return cmd
}

func printWebhookTest(w io.Writer, r *outbound.TestResult) error {
	for _, call := range r.Calls {
		fmt.Fprintf(w, "%s:\n", call.Object)
		if call.Request != nil {
			fmt.Fprintf(w, "  > %s %s\n", call.Request.Method, call.Request.URL)
			if call.Request.Body != "" {
				fmt.Fprintf(w, "  > %s\n", call.Request.Body)
			}
		}
		if call.Response != nil {
			fmt.Fprintf(w, "  < %d %s\n", call.Response.Status, truncate(call.Response.Body, 400))
		}
		for name, vals := range call.Outputs {
			fmt.Fprintf(w, "  output %s = %v\n", name, vals)
		}
		if call.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", call.Error)
		}
	}
	switch {
	case r.Saved:
		fmt.Fprintf(w, "Passed and saved as %s.\n", r.Webhook.ID)
	case r.OK:
		fmt.Fprintln(w, "Passed.")
	default:
		fmt.Fprintln(w, "Failed.")
	}
	if r.NotSaved != "" {
		fmt.Fprintf(w, "Not saved: %s\n", r.NotSaved)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
