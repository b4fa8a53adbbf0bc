package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/store"
)

func init() { register(newRunCmd) }

// newRunCmd shows orchestration runs and acts on them: retry failed steps,
// approve a run stopped by the deactivation guard, cancel.
func newRunCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "run", Aliases: []string{"runs"}, Short: "List, show, retry, approve and cancel runs"}

	var status, automation, after string
	var limit int
	list := &cobra.Command{
		Use: "list [--status S] [--automation ID]", Short: "List runs, newest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			q := url.Values{}
			for k, v := range map[string]string{"status": status, "automation": automation, "after": after} {
				if v != "" {
					q.Set(k, v)
				}
			}
			if limit > 0 {
				q.Set("limit", fmt.Sprint(limit))
			}
			page, err := c.GetRuns(cmd.Context(), apiclient.Query(q))
			if err != nil {
				return err
			}
			return g.Print(page, func(w io.Writer) error {
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tAUTOMATION\tTRIGGER\tSTATUS\tSTARTED\tCOUNTS")
				for _, r := range page.Runs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Automation, r.Trigger, r.Status,
						r.Started.Local().Format(time.DateTime), countsText(r.Counts))
				}
				if page.Next != "" {
					fmt.Fprintf(tw, "(more: --after %s)\n", page.Next)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&status, "status", "", "only runs in this status: running, waiting, succeeded, partial, failed, canceled")
	list.Flags().StringVar(&automation, "automation", "", "only runs of this automation")
	list.Flags().StringVar(&after, "after", "", "cursor of the next page, as printed by the previous one")
	list.Flags().IntVar(&limit, "limit", 0, "runs per page (default 100)")
	_ = list.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{"running", "waiting", "succeeded", "partial", "failed", "canceled"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(list)

	var entries bool
	var object string
	show := &cobra.Command{
		Use: "show ID [--entries] [--object ID]", Short: "Show a run's tallies and, with --entries, each step per object", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			v, err := c.GetRunsID(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := struct {
				orchestration.RunView
				Entries []store.RunEntry `json:"entries,omitempty"`
			}{RunView: v}
			if entries || object != "" {
				q := url.Values{}
				if object != "" {
					q.Set("object", object)
				}
				for after := ""; ; {
					if after != "" {
						q.Set("after", after)
					}
					page, err := c.GetRunsIDEntries(cmd.Context(), args[0], apiclient.Query(q))
					if err != nil {
						return err
					}
					out.Entries = append(out.Entries, page.Entries...)
					if page.Next == "" {
						break
					}
					after = page.Next
				}
			}
			return g.Print(out, func(w io.Writer) error {
				fmt.Fprintf(w, "run %s: %s, template %s, trigger %s", v.ID, v.Status, v.Template, v.Trigger)
				if v.DryRun {
					fmt.Fprint(w, " (dry run)")
				}
				fmt.Fprintln(w)
				fmt.Fprintf(w, "objects %d, succeeded %d, failed %d\n", v.Summary.Objects, v.Summary.Succeeded, v.Summary.Failed)
				if v.Error != "" {
					fmt.Fprintf(w, "error: %s\n", v.Error)
				}
				if v.Limit > 0 {
					fmt.Fprintf(w, "deactivations %d of limit %d; approve with `idbridge run approve %s`\n", v.Deactivations, v.Limit, v.ID)
				}
				for _, e := range out.Entries {
					fmt.Fprintf(w, "  %s  %-20s %-24s %s", e.At.Local().Format(time.TimeOnly), e.Object, e.Step, e.Outcome)
					if e.Error != "" {
						fmt.Fprintf(w, ": %s", e.Error)
					}
					fmt.Fprintln(w)
				}
				return nil
			})
		},
	}
	show.Flags().BoolVar(&entries, "entries", false, "also list every entry (request and response with --output json)")
	show.Flags().StringVar(&object, "object", "", "only the entries of this object (implies --entries)")
	cmd.AddCommand(show)

	var retryObject string
	retry := &cobra.Command{
		Use: "retry ID [--object ID]", Short: "Queue a run's failed steps again", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			q := url.Values{}
			if retryObject != "" {
				q.Set("object", retryObject)
			}
			out, err := c.PostRunsIDRetry(cmd.Context(), args[0], apiclient.Query(q))
			if err != nil {
				return err
			}
			return g.Print(out, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Queued %d failed step(s) of run %s again.\n", out.Requeued, args[0])
				return err
			})
		},
	}
	retry.Flags().StringVar(&retryObject, "object", "", "retry only this object's steps")
	cmd.AddCommand(retry)

	for _, a := range []struct {
		name, short, done string
		call              func(*apiclient.Client, context.Context, string, ...apiclient.Option) error
	}{
		{"approve", "Let a run stopped by the deactivation guard go ahead (admin)", "approved", (*apiclient.Client).PostRunsIDApprove},
		{"cancel", "Cancel a run: queued steps are dropped, calls in flight finish", "canceled", (*apiclient.Client).PostRunsIDCancel},
	} {
		cmd.AddCommand(&cobra.Command{
			Use: a.name + " ID", Short: a.short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				c, err := g.Client()
				if err != nil {
					return err
				}
				if err := a.call(c.Client, cmd.Context(), args[0]); err != nil {
					return err
				}
				return g.Print(map[string]string{a.done: args[0]}, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "Run %s %s.\n", args[0], a.done)
					return err
				})
			},
		})
	}
	return cmd
}

// countsText prints a run's tallies in a stable order.
func countsText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}
