package orchestration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
)

// RunKind is the store.Run kind of orchestration runs.
const RunKind = "orchestration"

// StatusNeedsApproval is the status of a run stopped by the deactivation
// guard (the store's "waiting"): nothing was sent; Approve or Cancel it.
const StatusNeedsApproval = store.RunWaiting

// RunRequest asks for a template to run for some objects.
type RunRequest struct {
	// RunID may be chosen by the caller (a UUID) so that a caller restarted
	// half-way can start the same run again without doubling it; empty
	// means a new id.
	RunID string `json:"runId,omitempty"`
	// TemplateID is the template to run.
	TemplateID string `json:"templateId"`
	// Automation names what started the run, for filters; empty means the
	// template id.
	Automation string `json:"automation,omitempty"`
	// Trigger says what started it, e.g. "ad-event", "schedule",
	// "apply-now".
	Trigger string `json:"trigger,omitempty"`
	// Objects are the AD objects the run works on, with the attributes the
	// template's macros read.
	Objects []outbound.Object `json:"objects"`
	// DryRun renders every call and records it as planned without sending
	// anything; conditions are evaluated, webhooks follow their success
	// branch.
	DryRun bool `json:"dryRun,omitempty"`
	// DeactivationLimit overrides the template's and the engine's guard
	// for this run (an automation's own limit); 0 keeps theirs, a negative
	// value turns the guard off.
	DeactivationLimit int `json:"deactivationLimit,omitempty"`
}

// runDoc is what the engine keeps about a run beyond its record.
type runDoc struct {
	ID       string   `json:"id"`
	Template Template `json:"template"`
	DryRun   bool     `json:"dryRun,omitempty"`
	Objects  int      `json:"objects"`
	// Enqueued is set once every object's first action is in the queue;
	// until then the run cannot be finished.
	Enqueued bool `json:"enqueued"`
	// Pending are the objects of a run waiting for approval.
	Pending []outbound.Object `json:"pending,omitempty"`
	// Deactivations is what the guard counted: the objects that can reach
	// a deactivating step once the conditions they alone decide are
	// evaluated (see countDeactivations).
	Deactivations int `json:"deactivations,omitempty"`
	Limit         int `json:"limit,omitempty"`
}

// payload is a queued action's payload: the object and what earlier steps
// returned. It holds no secret: settings are read at send time.
type payload struct {
	Object  outbound.Object                `json:"object"`
	Outputs map[string]map[string][]string `json:"outputs,omitempty"`
	// Now fixes now() for every step of the object.
	Now time.Time `json:"now"`
}

// runState caches a run's document, compiled template and status.
type runState struct {
	doc      runDoc
	compiled *compiled
	status   store.RunStatus
	checked  time.Time
}

// StartRun records a run and queues the first step of its template for each
// object, unless the deactivation guard stops it: then the run waits in
// StatusNeedsApproval with nothing queued. It returns the run id. Starting
// a run id that exists returns it unchanged.
func (e *Engine) StartRun(ctx context.Context, req RunRequest) (string, error) {
	t, err := e.Template(ctx, req.TemplateID)
	if err != nil {
		return "", err
	}
	c, err := compile(ctx, e.cfg.Webhooks, &t)
	if err != nil {
		return "", fmt.Errorf("template %s can no longer run: %w", t.ID, err)
	}
	if req.RunID == "" {
		req.RunID = uuid.NewString()
	}
	if req.Automation == "" {
		req.Automation = t.ID
	}
	doc := runDoc{ID: req.RunID, Template: t, DryRun: req.DryRun, Objects: len(req.Objects)}
	limit := req.DeactivationLimit
	if limit == 0 {
		limit = t.MaxDeactivations
	}
	if limit == 0 {
		limit = e.cfg.DeactivationLimit
	}
	doc.Deactivations = countDeactivations(ctx, c, req.Objects)
	run := store.Run{ID: req.RunID, Automation: req.Automation, Kind: RunKind, Trigger: req.Trigger,
		Status: store.RunRunning, Counts: map[string]int{"objects": len(req.Objects)}}
	waiting := limit >= 0 && doc.Deactivations > limit && !req.DryRun
	if waiting {
		doc.Pending, doc.Limit = req.Objects, limit
		run.Status = StatusNeedsApproval
		run.Error = approvalMessage(doc.Deactivations, limit)
	}
	if err := e.cfg.Runs.Create(ctx, run); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return req.RunID, e.resumeStart(ctx, doc, req.Objects)
		}
		return "", fmt.Errorf("record run: %w", err)
	}
	if err := e.cfg.Docs.Put(ctx, DocRun, doc.ID, doc); err != nil {
		return "", fmt.Errorf("record run: %w", err)
	}
	if waiting {
		e.log.Warn("run waits for approval", "run", doc.ID, "template", t.ID, "deactivations", doc.Deactivations, "limit", limit)
		return doc.ID, nil
	}
	if err := e.enqueueObjects(ctx, &doc, req.Objects); err != nil {
		return "", err
	}
	e.notify()
	return doc.ID, nil
}

// resumeStart finishes a StartRun that a crash interrupted: the run record
// exists, but its document or some first actions may not. Enqueue ignores
// the actions already queued.
func (e *Engine) resumeStart(ctx context.Context, doc runDoc, objects []outbound.Object) error {
	run, err := e.cfg.Runs.Get(ctx, doc.ID)
	if err != nil {
		return err
	}
	var have runDoc
	switch err := e.cfg.Docs.Get(ctx, DocRun, doc.ID, &have); {
	case errors.Is(err, store.ErrNotFound):
		if run.Status != store.RunRunning {
			return nil
		}
	case err != nil:
		return err
	case have.Enqueued || run.Status != store.RunRunning:
		return nil
	default:
		doc = have
	}
	if err := e.enqueueObjects(ctx, &doc, objects); err != nil {
		return err
	}
	e.notify()
	return nil
}

// enqueueObjects queues the first step for each object, in batches, then
// marks the run enqueued.
func (e *Engine) enqueueObjects(ctx context.Context, doc *runDoc, objects []outbound.Object) error {
	first := doc.Template.Steps[0]
	now := e.cfg.Now().UTC()
	const batch = 500
	for start := 0; start < len(objects); start += batch {
		end := min(start+batch, len(objects))
		acts := make([]store.NewAction, 0, end-start)
		for _, o := range objects[start:end] {
			p, err := json.Marshal(payload{Object: o, Now: now})
			if err != nil {
				return err
			}
			acts = append(acts, e.newAction(doc, o.ID, &first, p, time.Time{}))
		}
		if _, err := e.cfg.Queue.Enqueue(ctx, acts...); err != nil {
			return fmt.Errorf("queue run %s: %w", doc.ID, err)
		}
	}
	doc.Enqueued, doc.Pending = true, nil
	if err := e.cfg.Docs.Put(ctx, DocRun, doc.ID, doc); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	return nil
}

func (e *Engine) newAction(doc *runDoc, objectID string, s *Step, p json.RawMessage, notBefore time.Time) store.NewAction {
	// The queue's ceiling leaves room for rate-limit refusals on top of the
	// step's own attempts: a 429 means the app did nothing, and a burst of
	// them must not use up an action (see stepAttempts).
	return store.NewAction{Lane: laneOf(s), RunID: doc.ID, ObjectID: objectID, StepID: s.ID,
		Payload: p, NotBefore: notBefore, MaxAttempts: e.stepAttempts(s) * rateLimitHeadroom}
}

// rateLimitHeadroom multiplies a step's attempts into the queue's ceiling,
// which only rate-limit refusals can reach.
const rateLimitHeadroom = 5

// stepAttempts is how many failed attempts (other than rate-limit
// refusals) a step gets before it fails.
func (e *Engine) stepAttempts(s *Step) int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return e.cfg.MaxAttempts
}

func laneOf(s *Step) string {
	switch s.Kind {
	case KindWebhook:
		return s.Integration
	case KindAD:
		return laneDirectory
	}
	return laneLocal
}

// Approve lets a run stopped by the deactivation guard go ahead.
func (e *Engine) Approve(ctx context.Context, runID string) error {
	run, doc, err := e.load(ctx, runID)
	if err != nil {
		return err
	}
	if run.Status != StatusNeedsApproval {
		return fmt.Errorf("run %s is %s: %w", runID, run.Status, ErrNotWaiting)
	}
	if err := e.enqueueObjects(ctx, &doc, doc.Pending); err != nil {
		return err
	}
	run.Status, run.Error = store.RunRunning, ""
	if err := e.cfg.Runs.Update(ctx, run); err != nil {
		return err
	}
	e.forget(runID)
	e.log.Info("run approved", "run", runID)
	e.notify()
	return nil
}

// Cancel stops a run: queued actions are dead-lettered as they come up,
// calls in flight finish. A run waiting for approval is dropped.
func (e *Engine) Cancel(ctx context.Context, runID string) error {
	run, doc, err := e.load(ctx, runID)
	if err != nil {
		return err
	}
	if !run.Finished.IsZero() {
		return fmt.Errorf("run %s is %s: %w", runID, run.Status, ErrFinished)
	}
	run.Status, run.Finished = store.RunCanceled, e.cfg.Now().UTC()
	if run.Error == "" {
		run.Error = "canceled by an admin"
	}
	if doc.Pending != nil {
		doc.Pending = nil
		if err := e.cfg.Docs.Put(ctx, DocRun, runID, doc); err != nil {
			return err
		}
	}
	e.forget(runID)
	return e.cfg.Runs.Update(ctx, run)
}

// Retry queues again the dead actions of a run (of one object when objectID
// is set), for after an admin fixed the cause. It returns how many were
// queued. An action a crash left in doubt is sent without checking again:
// retrying it is the admin's statement that it did not take effect.
func (e *Engine) Retry(ctx context.Context, runID, objectID string) (int, error) {
	run, doc, err := e.load(ctx, runID)
	if err != nil {
		return 0, err
	}
	idx := doc.Template.stepIndex()
	if run.Status == store.RunCanceled || run.Status == StatusNeedsApproval {
		reason := "canceled runs stay canceled; start a new run"
		if run.Status == StatusNeedsApproval {
			reason = "nothing of it ran yet: approve it (POST /v1/runs/" + runID + "/approve) or cancel it"
		}
		return 0, fmt.Errorf("run %s is %s (%s): %w", runID, run.Status, reason, ErrNotRetryable)
	}
	var dead []store.Action
	page := store.Page{Limit: store.MaxPageSize}
	for {
		acts, next, err := e.cfg.Queue.List(ctx, store.ActionFilter{RunID: runID, State: store.ActionDead, Page: page})
		if err != nil {
			return 0, err
		}
		for _, a := range acts {
			i, known := idx[a.StepID]
			// A failed step whose failure branch ran is settled; retrying it
			// would run both branches.
			handled := known && doc.Template.failureOf(i) != "" && a.DeadReason != ErrInDoubt.Error()
			if !handled && (objectID == "" || a.ObjectID == objectID) {
				dead = append(dead, a)
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	for _, a := range dead {
		if err := e.cfg.Docs.Put(ctx, DocJournal, a.Key, journal{Forced: true}); err != nil {
			return 0, err
		}
		if err := e.cfg.Queue.Requeue(ctx, a.ID); err != nil {
			return 0, err
		}
	}
	if len(dead) > 0 && !run.Finished.IsZero() {
		run.Status, run.Finished = store.RunRunning, time.Time{}
		if err := e.cfg.Runs.Update(ctx, run); err != nil {
			return 0, err
		}
		e.forget(runID)
	}
	e.notify()
	return len(dead), nil
}

func (e *Engine) load(ctx context.Context, runID string) (store.Run, runDoc, error) {
	run, err := e.cfg.Runs.Get(ctx, runID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.Run{}, runDoc{}, fmt.Errorf("run %s: %w", runID, ErrNotFound)
		}
		return store.Run{}, runDoc{}, err
	}
	var doc runDoc
	if err := e.cfg.Docs.Get(ctx, DocRun, runID, &doc); err != nil {
		return store.Run{}, runDoc{}, fmt.Errorf("run %s has no orchestration document: %w", runID, err)
	}
	return run, doc, nil
}

// state returns the cached state of a run, refreshing its status at most
// once a second so a Cancel is seen quickly without a read per action.
func (e *Engine) state(ctx context.Context, runID string) (*runState, error) {
	now := e.cfg.Now()
	e.mu.Lock()
	rs, ok := e.runs[runID]
	e.mu.Unlock()
	if ok && now.Sub(rs.checked) < time.Second {
		return rs, nil
	}
	if ok {
		run, err := e.cfg.Runs.Get(ctx, runID)
		if err != nil {
			return nil, err
		}
		e.mu.Lock()
		rs.status, rs.checked = run.Status, now
		e.mu.Unlock()
		return rs, nil
	}
	run, doc, err := e.load(ctx, runID)
	if err != nil {
		return nil, err
	}
	c, err := compile(ctx, e.cfg.Webhooks, &doc.Template)
	if err != nil {
		return nil, err
	}
	rs = &runState{doc: doc, compiled: c, status: run.Status, checked: now}
	e.mu.Lock()
	e.runs[runID] = rs
	e.mu.Unlock()
	return rs, nil
}

func (e *Engine) forget(runID string) {
	e.mu.Lock()
	delete(e.runs, runID)
	e.mu.Unlock()
}
