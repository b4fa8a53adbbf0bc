package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"text/tabwriter"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/mapping"
	idsync "github.com/idbridge/idbridge/host/sync"
)

func init() { register(newSyncCmd) }

// newSyncCmd previews and applies data-source syncs. Both stream the
// host's progress, shown as a bar on a terminal.
func newSyncCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "sync", Short: "Preview (plan) and apply data-source syncs"}

	var details bool
	plan := &cobra.Command{
		Use: "plan DATASOURCE", Short: "Dry run: show what a sync would change, by category", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ev, err := streamRun(cmd, g, dataSourcePath(args[0], "plan")+"?stream=ndjson")
			if err != nil {
				return err
			}
			if ev.Preview == nil {
				return errors.New("the host's answer held no plan")
			}
			return g.Print(ev.Preview, func(w io.Writer) error {
				fmt.Fprintf(w, "Plan for %s (read %d ms, planned %d ms)\n", ev.Preview.DataSource, ev.Preview.ReadMS, ev.Preview.PlanMS)
				return printPlan(w, ev.Preview.Plan, details)
			})
		},
	}
	plan.Flags().BoolVar(&details, "details", false, "list every object, not only the counts and the first few")
	cmd.AddCommand(plan)

	var confirm bool
	apply := &cobra.Command{
		Use: "apply DATASOURCE", Short: "Plan afresh and write the changes to the directory, recording each", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := dataSourcePath(args[0], "apply") + "?stream=ndjson"
			if confirm {
				p += "&confirm=true"
			}
			ev, err := streamRun(cmd, g, p)
			if ev != nil && ev.Result != nil {
				perr := g.Print(ev.Result, func(w io.Writer) error {
					r := ev.Result
					fmt.Fprintf(w, "Run %s: %s\n", r.RunID, r.Status)
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					for _, k := range []string{"updated", "created", "failed", "unknown", "not applied", "no change", "orphans", "conflicts"} {
						fmt.Fprintf(tw, "  %s\t%d\n", k, r.Counts[k])
					}
					return tw.Flush()
				})
				if err == nil {
					err = perr
				}
			}
			return err
		},
	}
	apply.Flags().BoolVar(&confirm, "confirm", false, "apply even when the plan exceeds the data source's change limit")
	cmd.AddCommand(apply)
	return cmd
}

// streamRun posts to an NDJSON route, shows progress on a terminal and
// returns the final event. An error event becomes an *APIError so exit
// codes follow the status.
func streamRun(cmd *cobra.Command, g *Globals, path string) (*idsync.Event, error) {
	c, err := g.Client()
	if err != nil {
		return nil, err
	}
	resp, err := c.Send(cmd.Context(), http.MethodPost, path, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	bar := newProgress(g)
	defer bar.finish()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	var final *idsync.Event
	for sc.Scan() {
		var ev idsync.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("the host's progress stream is not the expected JSON: %w", err)
		}
		if ev.Progress != nil {
			bar.show(*ev.Progress)
			continue
		}
		final = &ev
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the host's answer: %w", err)
	}
	if final == nil {
		return nil, errors.New("the host ended the answer without a result; its log says why")
	}
	if final.Error != nil {
		return final, &APIError{Status: final.Error.Status, Code: final.Error.Code, Message: final.Error.Message}
	}
	return final, nil
}

// progress draws a bar on a terminal and nothing otherwise, so scripts
// and --output json get clean output.
type progress struct {
	bar   *progressbar.ProgressBar
	phase string
	on    bool
	err   io.Writer
}

func newProgress(g *Globals) *progress {
	f, ok := g.Err.(*os.File)
	on := ok && !g.JSON() && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
	return &progress{on: on, err: g.Err}
}

func (p *progress) show(pr idsync.Progress) {
	if !p.on {
		return
	}
	if pr.Phase != p.phase {
		p.finish()
		p.phase = pr.Phase
		switch pr.Phase {
		case idsync.PhaseApply:
			p.bar = progressbar.NewOptions(pr.Total, progressbar.OptionSetWriter(p.err), progressbar.OptionSetDescription("applying"),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		case idsync.PhaseRead, idsync.PhasePlan:
			p.bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(p.err), progressbar.OptionSetDescription(pr.Phase+"ing"),
				progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish())
		}
	}
	if p.bar == nil {
		return
	}
	switch pr.Phase {
	case idsync.PhaseApply:
		_ = p.bar.Set(pr.Done)
	default:
		p.bar.Describe(fmt.Sprintf("%sing: %d records, %d directory users", pr.Phase, pr.Records, pr.Users))
		_ = p.bar.Add(1)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// printPlan shows a plan's counts, join report and (the first few, or
// with details every) objects per category.
func printPlan(w io.Writer, plan *mapping.Plan, details bool) error {
	if plan == nil {
		return nil
	}
	s := plan.Summary
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  records\t%d\t(%d inactive)\n", s.Records, s.Inactive)
	fmt.Fprintf(tw, "  directory users\t%d\n", s.Users)
	fmt.Fprintf(tw, "  update\t%d\t(%d attribute changes)\n", s.Updates, s.AttributeChanges)
	fmt.Fprintf(tw, "  create\t%d\n", s.Creates)
	fmt.Fprintf(tw, "  no change\t%d\n", s.NoChange)
	fmt.Fprintf(tw, "  orphan\t%d\n", s.Orphans)
	fmt.Fprintf(tw, "  conflict\t%d\n", s.Conflicts)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range plan.Join.Endpoints {
		if e.MissingKey+e.Duplicates+e.Unjoined+e.Missing > 0 {
			fmt.Fprintf(w, "endpoint %s: %d records, %d without the key, %d duplicates, %d not in the primary endpoint, %d primary records missing here\n",
				e.Alias, e.Records, e.MissingKey, e.Duplicates, e.Unjoined, e.Missing)
			for _, is := range e.Issues {
				fmt.Fprintf(w, "  record %d: %s %s\n", is.Index, is.Problem, is.Record)
			}
		}
	}
	limit := 5
	if details {
		limit = -1
	}
	list := func(title string, n int, line func(i int) string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		for i := 0; i < n; i++ {
			if limit >= 0 && i == limit {
				fmt.Fprintf(w, "  … %d more (--details lists all)\n", n-limit)
				return
			}
			fmt.Fprintf(w, "  %s\n", line(i))
		}
	}
	list("Updates", len(plan.Updates), func(i int) string {
		u := plan.Updates[i]
		out := u.DN + ":"
		for _, c := range u.Changes {
			out += fmt.Sprintf(" %s %v → %q;", c.Attribute, c.Old, c.New)
		}
		return out
	})
	list("Creates", len(plan.Creates), func(i int) string { return plan.Creates[i].DN })
	list("Orphans", len(plan.Orphans), func(i int) string {
		o := plan.Orphans[i]
		return fmt.Sprintf("%s (%s): %s", o.Key, o.Kind, o.Reason)
	})
	list("Conflicts", len(plan.Conflicts), func(i int) string { return plan.Conflicts[i].Reason })
	if plan.NeedsConfirmation {
		fmt.Fprintf(w, "Needs confirmation: %s (apply with --confirm)\n", plan.ConfirmationReason)
	}
	return nil
}
