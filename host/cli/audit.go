package cli

import (
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
)

func init() { register(newAuditCmd) }

// newAuditCmd reads the audit log (auditor role and above).
func newAuditCmd(g *Globals) *cobra.Command {
	var f struct {
		actor, action, target, since, until, after string
		limit                                      int
		changes                                    bool
	}
	cmd := &cobra.Command{
		Use:   "audit [--actor NAME] [--target PREFIX] [--since TIME]",
		Short: "Read the audit log: who changed what, when, before and after (secrets masked)",
		Long: `Read the audit log, newest first. --since and --until take RFC 3339 times
(2026-01-31T08:00:00Z) or durations back from now (24h). --changes prints the
before and after of each entry.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{}
			for k, v := range map[string]string{"actor": f.actor, "action": f.action, "target": f.target, "after": f.after} {
				if v != "" {
					q.Set(k, v)
				}
			}
			for k, v := range map[string]string{"since": f.since, "until": f.until} {
				if v == "" {
					continue
				}
				t, err := timeArg(v)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--%s: %w", k, err)}
				}
				q.Set(k, t.UTC().Format(time.RFC3339))
			}
			if f.limit > 0 {
				q.Set("limit", fmt.Sprint(f.limit))
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			page, err := c.GetAudit(cmd.Context(), apiclient.Query(q))
			if err != nil {
				return err
			}
			return g.Print(page, func(w io.Writer) error {
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "WHEN\tWHO\tWHAT\tTARGET\tOUTCOME")
				for _, e := range page.Entries {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format(time.DateTime), e.Actor, e.Action, e.Target, e.Outcome)
					if f.changes {
						if len(e.Before) > 0 {
							fmt.Fprintf(tw, "\tbefore:\t%s\n", e.Before)
						}
						if len(e.After) > 0 {
							fmt.Fprintf(tw, "\tafter:\t%s\n", e.After)
						}
					}
				}
				if page.Next != "" {
					fmt.Fprintf(tw, "(more: --after %s)\n", page.Next)
				}
				return tw.Flush()
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.actor, "actor", "", "only this actor's entries, e.g. \"ci (operator)\"")
	fl.StringVar(&f.action, "action", "", "only this action, e.g. \"POST /v1/integrations/{id}/enable\"")
	fl.StringVar(&f.target, "target", "", "only targets starting with this, e.g. integrations/clockify")
	fl.StringVar(&f.since, "since", "", "entries at or after this time (RFC 3339 or a duration such as 24h)")
	fl.StringVar(&f.until, "until", "", "entries before this time (RFC 3339 or a duration)")
	fl.StringVar(&f.after, "after", "", "cursor of the next page, as printed by the previous one")
	fl.IntVar(&f.limit, "limit", 0, "entries per page (default 100)")
	fl.BoolVar(&f.changes, "changes", false, "print each entry's before and after")
	return cmd
}

// timeArg reads an RFC 3339 time or a duration back from now.
func timeArg(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-01-31T08:00:00Z) nor a duration (24h)", s)
	}
	return time.Now().Add(-d), nil
}
