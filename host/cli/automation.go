package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/automation"
)

func init() { register(newAutomationCmd) }

// newAutomationCmd manages automations: a trigger, a scope and what runs.
// Create and edit send the whole definition; the host checks it (template,
// cron, filter, scope) and refuses it with every problem listed.
func newAutomationCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "automation", Aliases: []string{"automations"}, Short: "Manage automations (trigger, scope, what runs)"}

	cmd.AddCommand(&cobra.Command{
		Use: "list", Short: "List automations", Args: cobra.NoArgs,
		RunE: showing(g, list((*apiclient.Client).GetAutomations), func(w io.Writer, list []automation.Automation) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tENABLED\tTRIGGER\tRUNS")
			for _, a := range list {
				fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", a.ID, a.Name, a.Enabled, triggerText(a.Trigger), actionText(a.Action))
			}
			return tw.Flush()
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use: "show ID", Short: "Show an automation", Args: cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetAutomationsID), func(w io.Writer, a automation.Automation) error {
			fmt.Fprintf(w, "%s (%s), enabled: %v\n", a.Name, a.ID, a.Enabled)
			if a.Description != "" {
				fmt.Fprintln(w, a.Description)
			}
			fmt.Fprintf(w, "trigger: %s\n", triggerText(a.Trigger))
			fmt.Fprintf(w, "scope: %s\n", scopeText(a.Scope))
			fmt.Fprintf(w, "runs: %s\n", actionText(a.Action))
			if a.Options.DeactivationLimit > 0 {
				fmt.Fprintf(w, "deactivation limit: %d\n", a.Options.DeactivationLimit)
			}
			if len(a.Integrations) > 0 {
				fmt.Fprintf(w, "pauses while disabled: %s\n", strings.Join(a.Integrations, ", "))
			}
			return nil
		}),
	})

	save := func(use, short string, create bool) *cobra.Command {
		var file string
		c := &cobra.Command{
			Use: use, Short: short, Args: cobra.MaximumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				var a automation.Automation
				if err := readJSONFile(file, &a); err != nil {
					return err
				}
				c, err := g.Client()
				if err != nil {
					return err
				}
				var out automation.Automation
				if create {
					out, err = c.PostAutomations(cmd.Context(), a)
				} else {
					if len(args) != 1 {
						return &ExitError{Code: ExitUsage, Err: fmt.Errorf("usage: automation edit ID --file DEF.json")}
					}
					out, err = c.PutAutomationsID(cmd.Context(), args[0], a)
				}
				if err != nil {
					return err
				}
				return g.Print(out, func(w io.Writer) error {
					state := "disabled; turn it on with `idbridge automation enable " + out.ID + "`"
					if out.Enabled {
						state = "enabled"
					}
					_, err := fmt.Fprintf(w, "Saved automation %s (%s).\n", out.ID, state)
					return err
				})
			},
		}
		c.Flags().StringVarP(&file, "file", "f", "", "JSON definition of the automation (- for stdin)")
		return c
	}
	cmd.AddCommand(save("create --file DEF.json", "Create an automation from a JSON definition", true))
	cmd.AddCommand(save("edit ID --file DEF.json", "Replace an automation's definition", false))

	toggle := func(use, short, action string, call func(*apiclient.Client, context.Context, string, ...apiclient.Option) (automation.Automation, error)) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: showing(g, one(call), func(w io.Writer, out automation.Automation) error {
				_, err := fmt.Fprintf(w, "Automation %s is %sd.\n", out.ID, action)
				return err
			}),
		}
	}
	cmd.AddCommand(toggle("enable ID", "Enable an automation (its scope is learnt afresh)", "enable", (*apiclient.Client).PostAutomationsIDEnable))
	cmd.AddCommand(toggle("disable ID", "Disable an automation (its configuration is kept)", "disable", (*apiclient.Client).PostAutomationsIDDisable))

	cmd.AddCommand(&cobra.Command{
		Use: "delete ID", Short: "Delete an automation and the runs held for it", Args: cobra.ExactArgs(1),
		RunE: deleting(g, "automation", (*apiclient.Client).DeleteAutomationsID),
	})

	var users, groups []string
	apply := &cobra.Command{
		Use: "apply-now ID --user DN|ID... --group DN...", Short: "Run an automation now for chosen users and the members of chosen groups",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(users) == 0 && len(groups) == 0 {
				return &ExitError{Code: ExitUsage, Err: automation.ErrNoObjects}
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			out, err := c.PostAutomationsIDApplyNow(cmd.Context(), args[0], automation.ApplyRequest{Users: users, Groups: groups})
			if err != nil {
				return err
			}
			return g.Print(out, func(w io.Writer) error {
				if out.Held {
					_, err := fmt.Fprintf(w, "Held: an integration the automation uses is disabled; the run for %d user(s) starts when it is enabled.\n", out.Objects)
					return err
				}
				_, err := fmt.Fprintf(w, "Started %s for %d user(s); follow it with `idbridge run show ID`.\n", strings.Join(out.Runs, ", "), out.Objects)
				return err
			})
		},
	}
	apply.Flags().StringArrayVar(&users, "user", nil, "a user's DN or objectGUID (repeatable)")
	apply.Flags().StringArrayVar(&groups, "group", nil, "a group's DN; its members are chosen (repeatable)")
	cmd.AddCommand(apply)
	return cmd
}

func triggerText(t automation.Trigger) string {
	switch t.Type {
	case automation.TriggerEvent:
		names := make([]string, len(t.Events))
		for i, k := range t.Events {
			names[i] = string(k)
		}
		return "on " + strings.Join(names, ", ")
	case automation.TriggerSchedule:
		return "schedule " + t.Schedule
	}
	return "manual"
}

func actionText(a automation.Action) string {
	if a.Sync != "" {
		return "sync " + a.Sync
	}
	return "template " + a.Template
}

func scopeText(s automation.Scope) string {
	var parts []string
	if s.OU != "" {
		depth := "one level"
		if s.Subtree {
			depth = "subtree"
		}
		parts = append(parts, fmt.Sprintf("OU %s (%s)", s.OU, depth))
	}
	if s.Group != "" {
		kind := "direct members"
		if s.Nested {
			kind = "nested members"
		}
		parts = append(parts, fmt.Sprintf("group %s (%s)", s.Group, kind))
	}
	if s.Filter != "" {
		parts = append(parts, "filter "+s.Filter)
	}
	return strings.Join(parts, " and ")
}
