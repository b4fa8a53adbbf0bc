package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
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
		Long: `Plans a sync without writing anything and prints the counts of each category
with the first few objects of each. The host sends only those, however large the
directory. With --details the host streams every object as it plans it and the
command prints each as it arrives, in the planner's order, holding none; with
--output json that is one JSON line per object ({"item":...}) and then the preview.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			q := url.Values{"stream": {"ndjson"}}
			var onItem func(mapping.Item) error
			if details {
				q.Set("details", "true")
				onItem = printItem(g)
			} else {
				q.Set("limit", strconv.Itoa(planSample))
			}
			ev, err := streamRun(cmd, g, apiclient.RoutePostDatasourcesIDPlan, args[0], q, onItem)
			if err != nil {
				return err
			}
			if ev.Preview == nil {
				return errors.New("the host's answer held no plan")
			}
			if details && g.JSON() {
				return json.NewEncoder(g.Out).Encode(idsync.Event{Preview: ev.Preview})
			}
			return g.Print(ev.Preview, func(w io.Writer) error {
				fmt.Fprintf(w, "Plan for %s (read %d ms, planned %d ms)\n", ev.Preview.DataSource, ev.Preview.ReadMS, ev.Preview.PlanMS)
				return printPlan(w, ev.Preview.Plan)
			})
		},
	}
	plan.Flags().BoolVar(&details, "details", false, "stream every object, not only the counts and the first few")
	cmd.AddCommand(plan)

	var confirm bool
	apply := &cobra.Command{
		Use: "apply DATASOURCE", Short: "Plan afresh and write the changes to the directory, recording each", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := url.Values{"stream": {"ndjson"}}
			if confirm {
				q.Set("confirm", "true")
			}
			ev, err := streamRun(cmd, g, apiclient.RoutePostDatasourcesIDApply, args[0], q, nil)
			if ev != nil && ev.Result != nil {
				perr := g.Print(ev.Result, func(w io.Writer) error {
					r := ev.Result
					fmt.Fprintf(w, "Run %s: %s\n", r.RunID, r.Status)
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					for _, k := range []string{"updated", "created", "failed", "unknown", "not applied", "no change", "orphans", "conflicts", "missing"} {
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

// streamRun posts to an NDJSON route (plan or apply of the data source
// id, with ?stream=ndjson in q), shows progress on a terminal, hands
// each plan object to onItem as it arrives (keeping none) and returns the
// final event. An error event becomes an *APIError so exit codes follow the
// status.
func streamRun(cmd *cobra.Command, g *Globals, route apiclient.Route, id string, q url.Values, onItem func(mapping.Item) error) (*idsync.Event, error) {
	c, err := g.Client()
	if err != nil {
		return nil, err
	}
	resp, err := c.Send(cmd.Context(), route, []string{id}, nil, apiclient.Query(q))
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
		if ev.Item != nil {
			if onItem != nil {
				bar.finish()
				if err := onItem(*ev.Item); err != nil {
					return nil, err
				}
			}
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

// planSample is how many objects per category `sync plan` shows without
// --details.
const planSample = 5

// printPlan shows a plan's counts, join report and the objects the host
// sent (the first few per category).
func printPlan(w io.Writer, plan *mapping.Plan) error {
	if plan == nil {
		return nil
	}
	s := plan.Summary
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  records\t%d\t(%d inactive)\n", s.Records, s.Inactive)
	fmt.Fprintf(tw, "  directory users\t%d\t(%d without a match value)\n", s.Users, s.UsersWithoutKey)
	fmt.Fprintf(tw, "  update\t%d\t(%d attribute changes)\n", s.Updates, s.AttributeChanges)
	fmt.Fprintf(tw, "  create\t%d\n", s.Creates)
	fmt.Fprintf(tw, "  no change\t%d\n", s.NoChange)
	fmt.Fprintf(tw, "  orphan\t%d\t(app accounts without an enabled AD user)\n", s.Orphans)
	fmt.Fprintf(tw, "  conflict\t%d\n", s.Conflicts)
	fmt.Fprintf(tw, "  missing account\t%d\t(enabled AD users without an app account)\n", s.Missing)
	if plan.Roles != nil || s.RoleDrift > 0 {
		fmt.Fprintf(tw, "  role drift\t%d\t(app roles unlike what the AD groups give)\n", s.RoleDrift)
	}
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
	list := func(title string, total, n int, item func(i int) mapping.Item) {
		if n == 0 {
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		for i := range n {
			fmt.Fprintf(w, "  %s\n", itemLine(item(i)))
		}
		if total > n {
			fmt.Fprintf(w, "  … %d more (--details lists all)\n", total-n)
		}
	}
	list("Updates", s.Updates, len(plan.Updates), func(i int) mapping.Item { return mapping.Item{Category: mapping.ItemUpdate, Update: &plan.Updates[i]} })
	list("Creates", s.Creates, len(plan.Creates), func(i int) mapping.Item { return mapping.Item{Category: mapping.ItemCreate, Create: &plan.Creates[i]} })
	list("Orphans", s.Orphans, len(plan.Orphans), func(i int) mapping.Item { return mapping.Item{Category: mapping.ItemOrphan, Orphan: &plan.Orphans[i]} })
	list("Conflicts", s.Conflicts, len(plan.Conflicts), func(i int) mapping.Item {
		return mapping.Item{Category: mapping.ItemConflict, Conflict: &plan.Conflicts[i]}
	})
	list("Missing accounts", s.Missing, len(plan.Missing), func(i int) mapping.Item {
		return mapping.Item{Category: mapping.ItemMissing, Missing: &plan.Missing[i]}
	})
	list("Role drift", s.RoleDrift, len(plan.Roles), func(i int) mapping.Item {
		return mapping.Item{Category: mapping.ItemRoles, Roles: &plan.Roles[i]}
	})
	if plan.NeedsConfirmation {
		fmt.Fprintf(w, "Needs confirmation: %s (apply with --confirm)\n", plan.ConfirmationReason)
	}
	return nil
}

// printItem prints streamed plan objects: a line each as text, or the
// event as one JSON line.
func printItem(g *Globals) func(mapping.Item) error {
	enc := json.NewEncoder(g.Out)
	return func(it mapping.Item) error {
		if g.JSON() {
			return enc.Encode(idsync.Event{Item: &it})
		}
		_, err := fmt.Fprintf(g.Out, "%-16s %s\n", itemTitle[it.Category], itemLine(it))
		return err
	}
}

var itemTitle = map[string]string{
	mapping.ItemUpdate: "update", mapping.ItemCreate: "create", mapping.ItemNoChange: "no change",
	mapping.ItemOrphan: "orphan", mapping.ItemConflict: "conflict", mapping.ItemMissing: "missing account",
	mapping.ItemRoles: "role drift",
}

// itemLine names one plan object the way an admin looks it up: by its
// match value (usually the e-mail) beside the DN or the app's id.
func itemLine(it mapping.Item) string {
	or := func(s, alt string) string {
		if s == "" {
			return alt
		}
		return s
	}
	switch it.Category {
	case mapping.ItemUpdate:
		u := it.Update
		var b strings.Builder
		fmt.Fprintf(&b, "%s  %s:", or(u.MatchValue, u.Key), u.DN)
		for _, c := range u.Changes {
			if c.Clear {
				fmt.Fprintf(&b, " %s %v → (cleared);", c.Attribute, c.Old)
				continue
			}
			fmt.Fprintf(&b, " %s %v → %q;", c.Attribute, c.Old, c.New)
		}
		return b.String()
	case mapping.ItemCreate:
		return fmt.Sprintf("%s  %s (app id %s)", or(it.Create.MatchValue, "-"), it.Create.DN, it.Create.Key)
	case mapping.ItemNoChange:
		return fmt.Sprintf("%s  %s", or(it.NoChange.MatchValue, it.NoChange.Key), it.NoChange.DN)
	case mapping.ItemOrphan:
		o := it.Orphan
		return fmt.Sprintf("%s (app id %s, %s): %s", or(o.MatchValue, "no match value"), o.Key, o.Kind, o.Reason)
	case mapping.ItemConflict:
		return it.Conflict.Reason
	case mapping.ItemMissing:
		return fmt.Sprintf("%s  %s", or(it.Missing.MatchValue, "-"), it.Missing.DN)
	case mapping.ItemRoles:
		r := it.Roles
		var change []string
		if len(r.Give) > 0 {
			change = append(change, "give "+strings.Join(r.Give, ", "))
		}
		if len(r.Take) > 0 {
			change = append(change, "take "+strings.Join(r.Take, ", "))
		}
		return fmt.Sprintf("%s  %s: %s (has %s)", or(r.MatchValue, r.Key), r.DN, strings.Join(change, "; "), or(strings.Join(r.Held, ", "), "none"))
	}
	return it.Category
}
