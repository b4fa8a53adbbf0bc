package sync

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-ldap/ldap/v3"
	"github.com/google/uuid"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
)

// RunKind is the kind of the run records of applies.
const RunKind = "sync"

// ApplyOptions tune one apply.
type ApplyOptions struct {
	RunOptions
	// Confirm allows a plan that exceeds the change limit.
	Confirm bool
	// Trigger says what started the run, e.g. "apply-now" or "schedule".
	Trigger string
}

// Result is what an apply did.
type Result struct {
	RunID      string          `json:"runId"`
	DataSource string          `json:"dataSource"`
	Status     store.RunStatus `json:"status"`
	// Counts are the run's tallies: updated, created, failed, unknown,
	// not applied, orphans, conflicts, no change.
	Counts map[string]int `json:"counts"`
	// Plan is the plan that was applied.
	Plan *mapping.Plan `json:"plan"`
	// Error is the run-level failure, if any.
	Error string `json:"error,omitempty"`
}

// Apply plans the data source afresh and writes the plan to the directory,
// recording every change in a new run. It refuses a plan that exceeds the
// change limit unless opts.Confirm is set (ErrNeedsConfirmation; the run
// is left waiting). When the directory goes away it stops with
// ErrDirectoryLost inside a *RunError; the run record then lists each
// change as applied, unknown (in flight) or not applied.
func (s *Service) Apply(ctx context.Context, id string, opts ApplyOptions) (*Result, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if opts.Trigger == "" {
		opts.Trigger = "apply-now"
	}
	run := store.Run{ID: uuid.NewString(), Automation: d.ID, Kind: RunKind, Trigger: opts.Trigger,
		Status: store.RunRunning, Started: s.cfg.Now().UTC()}
	if err := s.claim(d.ID, run.ID); err != nil {
		return nil, err
	}
	defer s.release(d.ID)
	if err := s.cfg.Runs.Create(ctx, run); err != nil {
		return nil, fmt.Errorf("create the run record: %w", err)
	}
	res := &Result{RunID: run.ID, DataSource: d.ID, Counts: map[string]int{}}
	rep := &reporter{fn: opts.Progress}
	finish := func(status store.RunStatus, cause error) (*Result, error) {
		run.Status, run.Finished, run.Counts = status, s.cfg.Now().UTC(), res.Counts
		if cause != nil {
			run.Error = s.cfg.Masker.String(cause.Error())
		}
		res.Status, res.Error = status, run.Error
		if err := s.cfg.Runs.Update(context.WithoutCancel(ctx), run); err != nil {
			return res, errors.Join(cause, fmt.Errorf("update the run record: %w", err))
		}
		rep.update(func(p *Progress) { p.Phase = PhaseDone })
		if cause != nil {
			return res, &RunError{RunID: run.ID, Applied: res.Counts["updated"] + res.Counts["created"], Err: cause}
		}
		return res, nil
	}

	pv, err := s.plan(ctx, d, rep, RunOptions{})
	if err != nil {
		return finish(store.RunFailed, err)
	}
	plan := pv.Plan
	res.Plan = plan
	res.Counts["no change"] = len(plan.NoChange)
	res.Counts["orphans"] = len(plan.Orphans)
	res.Counts["conflicts"] = len(plan.Conflicts)
	res.Counts["missing"] = len(plan.Missing)
	if d.Roles != nil {
		res.Counts["role drift"] = len(plan.Roles)
	}
	rec := recorder{s: s, runID: run.ID}
	if err := rec.append(ctx, s.reportEntries(rec, plan)...); err != nil {
		return finish(store.RunFailed, fmt.Errorf("record the orphans and conflicts: %w", err))
	}
	if plan.NeedsConfirmation && !opts.Confirm {
		return finish(store.RunWaiting, fmt.Errorf("%w (%s)", ErrNeedsConfirmation, plan.ConfirmationReason))
	}

	w := writer{s: s, rec: rec, res: res, rep: rep, total: len(plan.Updates) + len(plan.Creates)}
	rep.update(func(p *Progress) { p.Phase, p.Total = PhaseApply, w.total })
	stopErr := w.apply(ctx, plan)
	if stopErr == nil && d.Roles != nil && d.Roles.Automation != "" && len(plan.Roles) > 0 {
		if err := s.handRoles(ctx, rec, d, plan, res); err != nil {
			return finish(store.RunFailed, fmt.Errorf("record the role hand-over: %w", err))
		}
	}
	s.cfg.Logger.Info("sync applied", "datasource", d.ID, "run", run.ID, "updated", res.Counts["updated"],
		"created", res.Counts["created"], "failed", res.Counts["failed"], "not_applied", res.Counts["not applied"])
	switch {
	case stopErr != nil && errors.Is(stopErr, context.Canceled):
		return finish(store.RunCanceled, stopErr)
	case stopErr != nil:
		return finish(store.RunFailed, stopErr)
	case res.Counts["failed"] > 0:
		return finish(store.RunPartial, nil)
	}
	return finish(store.RunSucceeded, nil)
}

// reportEntries lists orphans, conflicts and role drift in the run
// record: they are the report an admin acts on, though nothing is written
// for them (roles are the roles automation's to change; see decision
// 0262).
func (s *Service) reportEntries(rec recorder, plan *mapping.Plan) []store.RunEntry {
	out := make([]store.RunEntry, 0, len(plan.Orphans)+len(plan.Conflicts)+len(plan.Roles))
	for _, o := range plan.Orphans {
		out = append(out, rec.entry(o.UserID, o.Key, StepOrphan, OutcomeReported,
			EntryRequest{DN: o.DN, Key: o.Key, Reason: string(o.Kind) + ": " + o.Reason}, ""))
	}
	for _, c := range plan.Conflicts {
		var dn string
		if len(c.Users) > 0 {
			dn = c.Users[0].DN
		}
		out = append(out, rec.entry("", fmt.Sprint(c.Keys), StepConflict, OutcomeReported,
			EntryRequest{DN: dn, Reason: string(c.Kind) + ": " + c.Reason}, ""))
	}
	for _, r := range plan.Roles {
		out = append(out, rec.entry(r.UserID, r.MatchValue, StepRoles, OutcomeReported,
			EntryRequest{DN: r.DN, Key: r.Key, Reason: r.Reason}, ""))
	}
	return out
}

// writer applies one plan's changes in order and records each.
type writer struct {
	s     *Service
	rec   recorder
	res   *Result
	rep   *reporter
	total int
	done  int
}

// step is one planned write.
type step struct {
	objectID, object, kind string
	req                    EntryRequest
	do                     func(ctx context.Context) error
}

func (w *writer) steps(plan *mapping.Plan) []step {
	out := make([]step, 0, w.total)
	for _, u := range plan.Updates {
		req := EntryRequest{DN: u.DN, Key: u.Key, Reason: u.Reason}
		changes := make([]directory.Change, 0, len(u.Changes))
		for _, c := range u.Changes {
			ac := AttributeChange{Attribute: c.Attribute, Before: c.Old}
			if c.Clear {
				changes = append(changes, directory.Change{Op: directory.OpDelete, Attribute: c.Attribute})
			} else {
				ac.After = []string{c.New}
				changes = append(changes, directory.Replace(c.Attribute, c.New))
			}
			req.Changes = append(req.Changes, ac)
		}
		dn := u.DN
		out = append(out, step{objectID: u.UserID, object: u.DN, kind: StepUpdate, req: req,
			do: func(ctx context.Context) error { return w.s.cfg.Directory.Modify(ctx, dn, changes...) }})
	}
	for _, c := range plan.Creates {
		req := EntryRequest{DN: c.DN, Key: c.Key, Reason: c.Reason}
		attrs := map[string][]string{}
		for _, a := range c.Attributes {
			attrs[a.Attribute] = append(attrs[a.Attribute], a.Value)
			req.Changes = append(req.Changes, AttributeChange{Attribute: a.Attribute, After: []string{a.Value}})
		}
		create := c
		out = append(out, step{object: c.DN, kind: StepCreate, req: req, do: func(ctx context.Context) error {
			cn, err := firstRDNValue(create.DN)
			if err != nil {
				return err
			}
			_, err = w.s.cfg.Directory.CreateUser(ctx, directory.NewUser{ParentDN: directory.ParentDN(create.DN),
				CN: cn, Attributes: attrs, Enabled: true})
			return err
		}})
	}
	return out
}

func firstRDNValue(dn string) (string, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 || len(parsed.RDNs[0].Attributes) == 0 {
		return "", fmt.Errorf("the planned DN %q cannot be parsed: %v", dn, err)
	}
	return parsed.RDNs[0].Attributes[0].Value, nil
}

// apply writes every step and records it right after, so the record is
// never behind the directory by more than the write in flight. A lost
// directory or a canceled context stops the run: the step in flight is
// recorded as unknown and the rest as not applied.
func (w *writer) apply(ctx context.Context, plan *mapping.Plan) error {
	steps := w.steps(plan)
	for i, st := range steps {
		if err := ctx.Err(); err != nil {
			return w.stop(ctx, steps[i:], nil, err)
		}
		err := st.do(ctx)
		outcome, errText := OutcomeOK, ""
		switch {
		case err == nil:
			w.res.Counts[countName(st.kind)]++
		case errors.Is(err, directory.ErrUnavailable) || ctx.Err() != nil:
			lost := err
			if ctx.Err() == nil {
				lost = fmt.Errorf("%w after %d of %d changes: %w", ErrDirectoryLost, i, len(steps), err)
			}
			return w.stop(ctx, steps[i+1:], &steps[i], lost)
		default:
			outcome, errText = OutcomeFailed, err.Error()
			w.res.Counts["failed"]++
		}
		if rerr := w.rec.append(ctx, w.rec.entry(st.objectID, st.object, st.kind, outcome, st.req, errText)); rerr != nil {
			// The change is written but cannot be recorded: stop before
			// anything else is written without a record.
			return fmt.Errorf("the change to %s was %s but could not be recorded, so the run stopped: %w", st.object, outcome, rerr)
		}
		w.done++
		w.rep.update(func(p *Progress) { p.Done = w.done })
	}
	return nil
}

// stop records the step in flight (when there is one) as unknown and the
// remaining steps as not applied, then returns cause.
func (w *writer) stop(ctx context.Context, rest []step, inFlight *step, cause error) error {
	entries := make([]store.RunEntry, 0, len(rest)+1)
	if inFlight != nil {
		entries = append(entries, w.rec.entry(inFlight.objectID, inFlight.object, inFlight.kind, OutcomeUnknown, inFlight.req,
			"the directory went away while this change was sent; it may or may not be written: check the object, or run the sync again once the directory is back"))
		w.res.Counts["unknown"]++
	}
	why := "not applied: the run stopped before this change (" + cause.Error() + ")"
	for _, st := range rest {
		entries = append(entries, w.rec.entry(st.objectID, st.object, st.kind, OutcomeNotApplied, st.req, why))
	}
	w.res.Counts["not applied"] += len(rest)
	for len(entries) > 0 {
		n := min(len(entries), 500)
		if err := w.rec.append(ctx, entries[:n]...); err != nil {
			return errors.Join(cause, fmt.Errorf("record the changes not applied: %w", err))
		}
		entries = entries[n:]
	}
	return cause
}

func countName(kind string) string {
	if kind == StepCreate {
		return "created"
	}
	return "updated"
}
