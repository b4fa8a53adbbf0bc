package orchestration

import (
	"context"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
)

// sweep finishes the running orchestration runs that have no active action
// left. It runs in the dispatcher rather than after each object so that a
// crash at any point still gets its runs finished.
func (e *Engine) sweep(ctx context.Context) error {
	page := store.Page{Limit: store.MaxPageSize}
	for {
		runs, next, err := e.cfg.Runs.List(ctx, store.RunFilter{Kind: RunKind, Status: store.RunRunning, Page: page})
		if err != nil {
			return err
		}
		for _, r := range runs {
			if err := e.finishIfDone(ctx, r); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		page.After = next
	}
}

func (e *Engine) active(ctx context.Context, runID string) (bool, error) {
	for _, st := range []store.ActionState{store.ActionPending, store.ActionClaimed, store.ActionSending} {
		acts, _, err := e.cfg.Queue.List(ctx, store.ActionFilter{RunID: runID, State: st, Page: store.Page{Limit: 1}})
		if err != nil {
			return false, err
		}
		if len(acts) > 0 {
			return true, nil
		}
	}
	return false, nil
}

func (e *Engine) finishIfDone(ctx context.Context, r store.Run) error {
	var doc runDoc
	if err := e.cfg.Docs.Get(ctx, DocRun, r.ID, &doc); err != nil || !doc.Enqueued {
		return nil // still being started, or not ours
	}
	busy, err := e.active(ctx, r.ID)
	if err != nil || busy {
		return err
	}
	sum, err := e.summarize(ctx, &doc)
	if err != nil {
		return err
	}
	r.Counts = sum.counts()
	switch {
	case sum.Failed == 0:
		r.Status = store.RunSucceeded
	case sum.Failed >= doc.Objects:
		r.Status = store.RunFailed
	default:
		r.Status = store.RunPartial
	}
	if sum.Failed > 0 {
		r.Error = fmt.Sprintf("%d of %d objects failed; see the run's entries, fix the cause and retry", sum.Failed, doc.Objects)
	} else {
		r.Error = ""
	}
	r.Finished = e.cfg.Now().UTC()
	if err := e.cfg.Runs.Update(ctx, r); err != nil {
		return err
	}
	e.forget(r.ID)
	e.log.Info("run finished", "run", r.ID, "status", r.Status, "objects", doc.Objects, "failed", sum.Failed)
	return nil
}

// Summary tallies a run's actions and objects.
type Summary struct {
	// Actions counts the run's actions by state.
	Actions map[store.ActionState]int `json:"actions"`
	// Objects is how many objects the run works on.
	Objects int `json:"objects"`
	// Failed counts objects with a step that failed and had no failure
	// branch (or was left in doubt).
	Failed int `json:"failed"`
	// Succeeded counts objects whose steps all ended without failing; it
	// starts at zero and grows as objects finish.
	Succeeded int `json:"succeeded"`
}

func (s Summary) counts() map[string]int {
	c := map[string]int{"objects": s.Objects, "succeeded": s.Succeeded, "failed": s.Failed}
	for st, n := range s.Actions {
		c["actions."+string(st)] = n
	}
	return c
}

// summarize walks the run's actions. An object failed when one of its
// actions is dead and its step has no failure branch to take over.
func (e *Engine) summarize(ctx context.Context, doc *runDoc) (Summary, error) {
	sum := Summary{Actions: map[store.ActionState]int{}, Objects: doc.Objects}
	idx := doc.Template.stepIndex()
	failed, busy, seen := map[string]bool{}, map[string]bool{}, map[string]bool{}
	page := store.Page{Limit: store.MaxPageSize}
	for {
		acts, next, err := e.cfg.Queue.List(ctx, store.ActionFilter{RunID: doc.ID, Page: page})
		if err != nil {
			return sum, err
		}
		for _, a := range acts {
			sum.Actions[a.State]++
			seen[a.ObjectID] = true
			switch a.State {
			case store.ActionPending, store.ActionClaimed, store.ActionSending:
				busy[a.ObjectID] = true
			}
			if a.State != store.ActionDead {
				continue
			}
			i, ok := idx[a.StepID]
			if !ok || doc.Template.failureOf(i) == "" || a.DeadReason == ErrInDoubt.Error() {
				failed[a.ObjectID] = true
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	sum.Failed = len(failed)
	// An object succeeded once all its steps are behind it without a
	// failure: one still queued, or one of a run waiting for approval
	// (nothing queued yet), has not.
	for id := range seen {
		if !busy[id] && !failed[id] {
			sum.Succeeded++
		}
	}
	return sum, nil
}

// RunView is a run as the API shows it.
type RunView struct {
	store.Run
	// Template is the template's id.
	Template string `json:"template"`
	// DryRun says nothing was sent.
	DryRun bool `json:"dryRun,omitempty"`
	// Summary tallies the actions and objects now.
	Summary Summary `json:"summary"`
	// Deactivations and Limit explain a run waiting for approval.
	Deactivations int `json:"deactivations,omitempty"`
	Limit         int `json:"limit,omitempty"`
}

// Status returns a run with its live tallies.
func (e *Engine) Status(ctx context.Context, runID string) (*RunView, error) {
	run, doc, err := e.load(ctx, runID)
	if err != nil {
		return nil, err
	}
	sum, err := e.summarize(ctx, &doc)
	if err != nil {
		return nil, err
	}
	return &RunView{Run: run, Template: doc.Template.ID, DryRun: doc.DryRun, Summary: sum,
		Deactivations: doc.Deactivations, Limit: doc.Limit}, nil
}

// Runs lists orchestration runs, newest first.
func (e *Engine) Runs(ctx context.Context, f store.RunFilter) ([]store.Run, string, error) {
	f.Kind = RunKind
	return e.cfg.Runs.List(ctx, f)
}

// Entries returns a page of a run's per-object, per-step entries.
func (e *Engine) Entries(ctx context.Context, runID string, f store.EntryFilter) ([]store.RunEntry, string, error) {
	return e.cfg.Runs.Entries(ctx, runID, f)
}
