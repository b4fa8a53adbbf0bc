package orchestration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// DefaultJournalRetention is how long the journal of a finished run is kept
// when the host is not told otherwise: a month leaves time to look into a
// run and retry it, while the store stops growing with every action ever
// sent.
const DefaultJournalRetention = 30 * 24 * time.Hour

// MinJournalRetention is the shortest retention accepted. A shorter one
// would race the admin who retries a run right after it finished; an hour
// is well past any run's own reporting.
const MinJournalRetention = time.Hour

// CountJournalPruned is the count a run record gains when its journal is
// pruned: how many journal entries were deleted (zero when the run sent
// nothing). Its presence tells admins why a run has no journal left, and
// tells later passes that the run is done with. A retried run that finishes
// again gets fresh counts, so its new journal is pruned in its turn.
const CountJournalPruned = "journal.pruned"

// Defaults of the retention pass.
const (
	defaultPruneInterval = time.Hour
	defaultPruneBatch    = 10000
	// prunePause is the wait before the next pass when one stopped at its
	// budget with work left: a backlog (the first pass after an upgrade)
	// drains in steps that leave the store's writer to the workers in
	// between.
	prunePause = time.Minute
)

// ErrRetentionTooShort refuses a journal retention below
// MinJournalRetention.
var ErrRetentionTooShort = errors.New("journal retention is shorter than the minimum of one hour, which keeps the journal for a retry right after a run finished; choose 1h or more, or turn retention off")

// terminalStatuses are the run statuses after which the engine sends
// nothing more for a run unless an admin retries it.
var terminalStatuses = []store.RunStatus{store.RunSucceeded, store.RunPartial, store.RunFailed, store.RunCanceled}

// PruneReport says what one PruneJournals pass did, for the log.
type PruneReport struct {
	// Runs counts the runs whose journal was pruned.
	Runs int
	// Journals counts the journal entries deleted.
	Journals int
	// Kept counts finished runs past the period whose journal was kept:
	// an action is still queued or in flight, or a call is in doubt and
	// waits for an admin.
	Kept int
	// More says the pass stopped at its budget with runs left to prune.
	More bool
}

// RetainJournals prunes, every JournalPruneInterval until ctx ends, the
// journals of runs that finished more than JournalRetention ago, and logs
// each pass. With a negative JournalRetention it only waits for ctx: the
// journals are kept forever. The host runs it beside Run.
func (e *Engine) RetainJournals(ctx context.Context) error {
	keep := e.cfg.JournalRetention
	if keep < 0 {
		e.log.Info("journal retention is off; journals of finished runs are kept forever")
		<-ctx.Done()
		return nil
	}
	for {
		wait := e.cfg.JournalPruneInterval
		rep, err := e.PruneJournals(ctx, e.cfg.Now().Add(-keep))
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			e.log.Error("prune journals of finished runs", "error", err)
		default:
			e.log.Info("pruned journals of finished runs", "runs", rep.Runs, "journals", rep.Journals,
				"kept_in_progress_or_in_doubt", rep.Kept, "retention", keep.String(), "more", rep.More)
			if rep.More {
				wait = min(wait, prunePause)
			}
		}
		sleep(ctx, wait)
		if ctx.Err() != nil {
			return nil
		}
	}
}

// PruneJournals deletes the journal entries of the orchestration runs that
// finished (succeeded, partial, failed, canceled) before the given time, and
// marks each such run record with CountJournalPruned. Run records and their
// entries stay. It never touches a run that has an action still pending,
// leased or sending, nor one with a call dead-lettered as in doubt: those
// journals may still be what resolves a call. A pass stops after about
// JournalPruneBatch deletions and reports More.
func (e *Engine) PruneJournals(ctx context.Context, before time.Time) (PruneReport, error) {
	var rep PruneReport
	for _, st := range terminalStatuses {
		page := store.Page{Limit: store.MaxPageSize}
		for {
			runs, next, err := e.cfg.Runs.List(ctx, store.RunFilter{Kind: RunKind, Status: st, Page: page})
			if err != nil {
				return rep, fmt.Errorf("list %s runs: %w", st, err)
			}
			for _, r := range runs {
				if !expired(r, before) {
					continue
				}
				if rep.Journals >= e.cfg.JournalPruneBatch {
					rep.More = true
					return rep, nil
				}
				n, pruned, err := e.pruneRun(ctx, r)
				if err != nil {
					return rep, fmt.Errorf("prune journal of run %s: %w", r.ID, err)
				}
				if !pruned {
					rep.Kept++
					continue
				}
				rep.Runs++
				rep.Journals += n
			}
			if next == "" {
				break
			}
			page.After = next
		}
	}
	return rep, nil
}

// expired reports whether a run finished before the cutoff and still has
// its journal.
func expired(r store.Run, before time.Time) bool {
	if r.Finished.IsZero() || !r.Finished.Before(before) {
		return false
	}
	_, done := r.Counts[CountJournalPruned]
	return !done
}

// pruneRun deletes the journal entries of one finished run and marks its
// record. It returns false, deleting nothing, when the run still has work
// or a call in doubt.
func (e *Engine) pruneRun(ctx context.Context, r store.Run) (int, bool, error) {
	keys, settled, err := e.settledKeys(ctx, r.ID)
	if err != nil || !settled {
		return 0, false, err
	}
	// An admin's Retry may have reopened the run since it was listed; its
	// requeued actions then own their journal entries again. (A Retry that
	// lands after this check loses at most its "forced" mark, and the
	// action is then checked like any in-doubt one: nothing is sent twice.)
	now, err := e.cfg.Runs.Get(ctx, r.ID)
	if err != nil {
		return 0, false, err
	}
	if now.Status != r.Status || !now.Finished.Equal(r.Finished) {
		return 0, false, nil
	}
	if _, done := now.Counts[CountJournalPruned]; done {
		return 0, true, nil // another host pruned it meanwhile
	}
	n := 0
	for _, key := range keys {
		var raw json.RawMessage
		switch err := e.cfg.Docs.Get(ctx, DocJournal, key, &raw); {
		case errors.Is(err, store.ErrNotFound):
			continue // a step that sent nothing (condition, delay, dry run) has no entry
		case err != nil:
			return n, false, err
		}
		if err := e.cfg.Docs.Delete(ctx, DocJournal, key); err != nil {
			return n, false, err
		}
		n++
	}
	if err := e.cfg.Runs.AddCounts(ctx, r.ID, map[string]int{CountJournalPruned: n}); err != nil {
		return n, false, fmt.Errorf("mark run pruned: %w", err)
	}
	e.log.Debug("pruned run journal", "run", r.ID, "status", r.Status, "finished", r.Finished, "journals", n)
	return n, true, nil
}

// settledKeys returns the action keys of a run (journal entries are kept by
// action key) and whether every action is settled: done, or dead for a
// reason other than an unresolved in-doubt call.
func (e *Engine) settledKeys(ctx context.Context, runID string) ([]string, bool, error) {
	var keys []string
	page := store.Page{Limit: store.MaxPageSize}
	for {
		acts, next, err := e.cfg.Queue.List(ctx, store.ActionFilter{RunID: runID, Page: page})
		if err != nil {
			return nil, false, fmt.Errorf("list actions: %w", err)
		}
		for _, a := range acts {
			switch {
			case a.State != store.ActionDone && a.State != store.ActionDead:
				return nil, false, nil // still queued, leased or sending
			case a.State == store.ActionDead && a.DeadReason == ErrInDoubt.Error():
				return nil, false, nil // waits for an admin's retry
			}
			keys = append(keys, a.Key)
		}
		if next == "" {
			return keys, true, nil
		}
		page.After = next
	}
}
