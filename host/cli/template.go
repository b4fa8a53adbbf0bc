package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/orchestration"
)

func init() { register(newTemplateCmd) }

// newTemplateCmd manages orchestration templates through the engine's
// routes. The host checks a template when it is saved (ids, branches,
// loops, every macro and condition); validate checks the file's shape
// here, before sending it.
func newTemplateCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "template", Aliases: []string{"templates"}, Short: "Manage orchestration templates"}

	cmd.AddCommand(&cobra.Command{
		Use: "list", Short: "List orchestration templates", Args: cobra.NoArgs,
		RunE: showing(g, list((*apiclient.Client).GetTemplates), func(w io.Writer, list []orchestration.Template) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSTEPS")
			for _, t := range list {
				fmt.Fprintf(tw, "%s\t%s\t%d\n", t.ID, t.Name, len(t.Steps))
			}
			return tw.Flush()
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use: "show ID", Short: "Show a template and its steps", Args: cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetTemplatesID), func(w io.Writer, t orchestration.Template) error {
			fmt.Fprintf(w, "%s (%s)\n", t.Name, t.ID)
			if t.Description != "" {
				fmt.Fprintln(w, t.Description)
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "STEP\tKIND\tWHAT\tON SUCCESS\tON FAILURE")
			for _, s := range t.Steps {
				what := s.Condition
				if s.Kind == orchestration.KindWebhook {
					what = s.Integration + "/" + s.Webhook
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Kind, what, orDefault(s.OnSuccess, "next"), orDefault(s.OnFailure, "fail"))
			}
			return tw.Flush()
		}),
	})

	save := func(use, short string, create bool) *cobra.Command {
		var file string
		c := &cobra.Command{
			Use: use, Short: short, Args: cobra.MaximumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				var t orchestration.Template
				if err := readJSONFile(file, &t); err != nil {
					return err
				}
				id := t.ID
				if !create {
					if len(args) != 1 {
						return &ExitError{Code: ExitUsage, Err: fmt.Errorf("usage: template edit ID --file DEF.json")}
					}
					id = args[0]
				}
				if id == "" {
					return &ExitError{Code: ExitUsage, Err: fmt.Errorf("the template has no id: set \"id\" in %s", file)}
				}
				c, err := g.Client()
				if err != nil {
					return err
				}
				if create {
					if _, err := c.GetTemplatesID(cmd.Context(), id); err == nil {
						return &ExitError{Code: ExitUsage, Err: fmt.Errorf("template %s exists: change it with `idbridge template edit %s --file %s`", id, id, file)}
					}
				}
				out, err := c.PutTemplatesID(cmd.Context(), id, t)
				if err != nil {
					return err
				}
				return g.Print(out, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "Saved template %s (%d steps).\n", out.ID, len(out.Steps))
					return err
				})
			},
		}
		c.Flags().StringVarP(&file, "file", "f", "", "JSON definition of the template (- for stdin)")
		return c
	}
	cmd.AddCommand(save("create --file DEF.json", "Create a template from a JSON definition", true))
	cmd.AddCommand(save("edit ID --file DEF.json", "Replace a template's definition", false))

	cmd.AddCommand(&cobra.Command{
		Use: "delete ID", Short: "Delete a template; runs already started keep their copy", Args: cobra.ExactArgs(1),
		RunE: deleting(g, "template", (*apiclient.Client).DeleteTemplatesID),
	})

	var integration, extension string
	install := &cobra.Command{
		Use: "install --integration ID", Short: "Install the templates an extension ships (default: the integration's own), bound to one of its integrations",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if integration == "" {
				return &ExitError{Code: ExitUsage, Err: automation.ErrNoIntegration}
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			out, err := c.PostTemplatesInstall(cmd.Context(), automation.InstallRequest{Integration: integration, Extension: extension})
			if err != nil {
				return err
			}
			return g.Print(out, func(w io.Writer) error {
				fmt.Fprintf(w, "Installed %d template(s): %s\n", len(out.Installed), strings.Join(out.Installed, ", "))
				if out.Refused != "" {
					fmt.Fprintf(w, "Not installed: %s\n", out.Refused)
				}
				return nil
			})
		},
	}
	install.Flags().StringVar(&integration, "integration", "", "the integration the templates call through")
	install.Flags().StringVar(&extension, "extension", "", "the extension whose templates to install (default: the integration's extension)")
	cmd.AddCommand(install)

	var vfile string
	validate := &cobra.Command{
		Use: "validate --file DEF.json", Short: "Check a template file's shape (fields, kinds, branches) without saving it", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var t orchestration.Template
			if err := readJSONFile(vfile, &t); err != nil {
				return err
			}
			problems := shapeProblems(t)
			if len(problems) > 0 {
				for _, p := range problems {
					fmt.Fprintln(g.Err, p)
				}
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %d problem(s); macros and conditions are checked when the template is saved", vfile, len(problems))}
			}
			return g.Print(map[string]any{"valid": true, "steps": len(t.Steps)}, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "%s: %d steps, well formed; the host checks macros and conditions when it is saved.\n", vfile, len(t.Steps))
				return err
			})
		},
	}
	validate.Flags().StringVarP(&vfile, "file", "f", "", "JSON definition of the template (- for stdin)")
	cmd.AddCommand(validate)
	return cmd
}

// shapeProblems finds what can be known without the host: missing and
// repeated ids, unknown kinds, branches to steps that do not exist. Loops
// are found by the host, which sees every path.
func shapeProblems(t orchestration.Template) []string {
	var out []string
	if t.ID == "" {
		out = append(out, "the template has no id")
	}
	if len(t.Steps) == 0 {
		out = append(out, "the template has no steps")
	}
	pos := map[string]int{}
	for i, s := range t.Steps {
		if s.ID == "" {
			out = append(out, fmt.Sprintf("step %d has no id", i+1))
		} else if _, dup := pos[s.ID]; dup {
			out = append(out, fmt.Sprintf("step id %s is used twice", s.ID))
		}
		pos[s.ID] = i
		switch s.Kind {
		case orchestration.KindWebhook, orchestration.KindAD, orchestration.KindCondition, orchestration.KindDelay:
		default:
			out = append(out, fmt.Sprintf("step %s: kind %q must be webhook, ad, condition or delay", s.ID, s.Kind))
		}
	}
	for _, s := range t.Steps {
		for _, to := range []string{s.OnSuccess, s.OnFailure} {
			if _, ok := pos[to]; !ok && to != "" && to != orchestration.End {
				out = append(out, fmt.Sprintf("step %s goes to %q, which is not a step (use a step id or \"end\")", s.ID, to))
			}
		}
	}
	return out
}
