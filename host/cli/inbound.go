package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
)

func init() { register(newInboundCmd) }

// readJSONFile decodes a definition from a file, or from stdin for "-".
// Unknown fields are refused, so a typo is not silently dropped.
func readJSONFile(path string, v any) error {
	if path == "" {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("give the definition with --file FILE.json (or --file - to read it from stdin)")}
	}
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s is not a valid definition: %w", path, err)}
	}
	return nil
}

// newInboundCmd manages inbound endpoints: the connector's and custom
// ones, which are saved only after a passing test.
func newInboundCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "inbound", Short: "List, test and save an integration's inbound endpoints"}

	cmd.AddCommand(&cobra.Command{
		Use: "list INTEGRATION", Short: "List an integration's inbound endpoints", Args: cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetIntegrationsIDInbound), func(w io.Writer, list []inbound.Endpoint) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tKIND\tFIELDS\tKEY\tURL")
			for _, e := range list {
				kind := "preconfigured"
				if e.Custom {
					kind = "custom"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d (%s)\t%s\t%s %s\n", e.ID, e.Name, kind, len(e.Fields), e.FieldsFrom, e.PrimaryKey, e.Method, e.URL)
			}
			return tw.Flush()
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use: "show INTEGRATION ENDPOINT", Short: "Show an inbound endpoint and its fields", Args: cobra.ExactArgs(2),
		RunE: showing(g, two((*apiclient.Client).GetIntegrationsIDInboundEndpoint), func(w io.Writer, e inbound.Endpoint) error {
			fmt.Fprintf(w, "%s (%s)\n%s %s\n", e.Name, e.ID, e.Method, e.URL)
			if e.Description != "" {
				fmt.Fprintln(w, e.Description)
			}
			if !e.Tested.IsZero() {
				fmt.Fprintf(w, "Fields from the test and save of %s:\n", e.Tested.Format("2006-01-02 15:04"))
			} else {
				fmt.Fprintln(w, "Fields declared by the connector (not tested yet):")
			}
			return printFields(w, e.Fields)
		}),
	})

	var file string
	var save bool
	test := &cobra.Command{
		Use:   "test INTEGRATION [ENDPOINT]",
		Short: "Run an endpoint for real (first page) and show the exchange and the fields found",
		Long: `Test runs a saved or preconfigured endpoint (ENDPOINT), or a draft custom
endpoint (--file), and shows the request and response with secrets masked and
the fields found. --save records the fields of a saved or preconfigured
endpoint; to save a draft use "inbound add" or "inbound edit", which test first.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			var res inbound.TestResult
			switch {
			case len(args) == 2 && file == "":
				var opts []apiclient.Option
				if save {
					opts = append(opts, apiclient.Query(url.Values{"save": {"true"}}))
				}
				res, err = c.PostIntegrationsIDInboundEndpointTest(cmd.Context(), args[0], args[1], opts...)
			case len(args) == 1 && file != "":
				var d inbound.Definition
				if err := readJSONFile(file, &d); err != nil {
					return err
				}
				res, err = c.PostIntegrationsIDInboundTest(cmd.Context(), args[0], d)
			default:
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("give either ENDPOINT or --file DRAFT.json")}
			}
			if err != nil {
				return err
			}
			if perr := g.Print(res, func(w io.Writer) error { return printTest(w, &res) }); perr != nil {
				return perr
			}
			if !res.OK {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("the test failed: %s", res.Error)}
			}
			return nil
		},
	}
	test.Flags().StringVarP(&file, "file", "f", "", "JSON definition of a draft custom endpoint (- for stdin)")
	test.Flags().BoolVar(&save, "save", false, "record the fields found as the endpoint's fields (admin)")
	cmd.AddCommand(test)

	saveCmd := func(use, short string, replace bool) *cobra.Command {
		var file string
		c := &cobra.Command{
			Use: use, Short: short, Args: cobra.RangeArgs(1, 2),
			RunE: func(cmd *cobra.Command, args []string) error {
				var d inbound.Definition
				if err := readJSONFile(file, &d); err != nil {
					return err
				}
				c, err := g.Client()
				if err != nil {
					return err
				}
				var out inbound.SaveAnswer
				if replace {
					if len(args) != 2 {
						return &ExitError{Code: ExitUsage, Err: fmt.Errorf("usage: inbound edit INTEGRATION ENDPOINT --file DEF.json")}
					}
					out, err = c.PutIntegrationsIDInboundEndpoint(cmd.Context(), args[0], args[1], d)
				} else {
					out, err = c.PostIntegrationsIDInbound(cmd.Context(), args[0], d)
				}
				if err != nil {
					return err
				}
				return g.Print(out, func(w io.Writer) error {
					if err := printTest(w, out.Test); err != nil {
						return err
					}
					_, err := fmt.Fprintf(w, "Saved endpoint %s with %d fields.\n", out.Endpoint.ID, len(out.Endpoint.Fields))
					return err
				})
			},
		}
		c.Flags().StringVarP(&file, "file", "f", "", "JSON definition of the endpoint (- for stdin)")
		return c
	}
	cmd.AddCommand(saveCmd("add INTEGRATION --file DEF.json", "Test a custom endpoint and save it when the test passes", false))
	cmd.AddCommand(saveCmd("edit INTEGRATION ENDPOINT --file DEF.json", "Test a changed custom endpoint and save it when the test passes", true))

	cmd.AddCommand(&cobra.Command{
		Use: "remove INTEGRATION ENDPOINT", Short: "Remove a custom inbound endpoint", Args: cobra.ExactArgs(2),
		RunE: removing(g, "removed", removeTwo((*apiclient.Client).DeleteIntegrationsIDInboundEndpoint), func(args []string) string {
			return fmt.Sprintf("Removed endpoint %s.", args[1])
		}),
	})
	return cmd
}

func printTest(w io.Writer, res *inbound.TestResult) error {
	if res == nil {
		return nil
	}
	if x := res.Exchange; x != nil {
		fmt.Fprintf(w, "> %s %s\n", x.Method, x.URL)
		for _, h := range x.RequestHeaders {
			fmt.Fprintf(w, "> %s: %s\n", h.Name, h.Value)
		}
		fmt.Fprintf(w, "< %d (%d attempt(s), %d ms)\n", x.Status, x.Attempts, x.DurationMS)
		for _, h := range x.ResponseHeaders {
			fmt.Fprintf(w, "< %s: %s\n", h.Name, h.Value)
		}
		body := x.Body
		if len(body) > 600 {
			body = body[:600] + " …"
		}
		fmt.Fprintf(w, "<\n%s\n\n", strings.TrimSpace(body))
	}
	if !res.OK {
		_, err := fmt.Fprintf(w, "Test failed: %s\n", res.Error)
		return err
	}
	fmt.Fprintf(w, "Test passed: %d record(s) on the first page, %d field(s):\n", res.Records, len(res.Fields))
	return printFields(w, res.Fields)
}

// printFields shows fields as admins pick them for mappings.
func printFields(w io.Writer, fields []mapping.Field) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  FIELD\tTYPE\tSAMPLE")
	for _, f := range fields {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Path, f.Type, f.Sample)
	}
	return tw.Flush()
}
