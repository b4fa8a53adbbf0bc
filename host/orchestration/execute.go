package orchestration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Entry outcomes in run records.
const (
	OutcomeOK       = "ok"
	OutcomeFailed   = "failed"
	OutcomeRetry    = "retry"
	OutcomePlanned  = "planned"
	OutcomeVerified = "verified"
	OutcomeVerify   = "verify"
	OutcomeFalse    = "condition-false"
	OutcomeInDoubt  = "in-doubt"
)

// job is one claimed action being executed.
type job struct {
	a    store.Action
	rs   *runState
	cs   *compiledStep
	p    payload
	data macro.Data
	// unmarked is set when the call went out without MarkSending (see
	// sendUnmarked), so its settlement counts the attempt.
	unmarked bool
}

func (j *job) object() string { return j.p.Object.Name() }

// process executes one claimed action and reports its outcome to the queue.
func (e *Engine) process(ctx context.Context, a store.Action) {
	err := e.execute(ctx, a)
	switch {
	case err == nil, ctx.Err() != nil, stopped(ctx) && errors.Is(err, context.Canceled):
		// Done, cut off by the end of the drain period, or a wait before a
		// call that the stop ended: the action goes back to the queue.
	case errors.Is(err, store.ErrLeaseLost):
		e.log.Warn("lease lost; another worker owns the action now", "action", a.ID, "run", a.RunID)
	default:
		// Every error that reaches here is a store write (a report, the
		// journal) that failed: hold all work until the store writes again.
		// See decision 0175.
		e.log.Error("action failed to report", "action", a.ID, "run", a.RunID, "step", a.StepID, "error", e.mask(err.Error()))
		e.storeFailed(err, a.ID)
	}
}

func (e *Engine) mask(s string) string { return e.cfg.Webhooks.Masker().String(s) }

func (e *Engine) execute(ctx context.Context, a store.Action) error {
	rs, err := e.state(ctx, a.RunID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return e.cfg.Queue.DeadLetter(ctx, a.ID, e.cfg.Worker, "the run no longer exists")
		}
		return e.retryLater(ctx, &job{a: a}, fmt.Errorf("load run: %w", err), a.InDoubt, 0)
	}
	if rs.status == store.RunCanceled {
		return e.cfg.Queue.DeadLetter(ctx, a.ID, e.cfg.Worker, "the run was canceled")
	}
	cs := rs.compiled.step(a.StepID)
	if cs == nil {
		return e.cfg.Queue.DeadLetter(ctx, a.ID, e.cfg.Worker, "step "+a.StepID+" is not in the run's template")
	}
	j := &job{a: a, rs: rs, cs: cs}
	if err := json.Unmarshal(a.Payload, &j.p); err != nil {
		return e.cfg.Queue.DeadLetter(ctx, a.ID, e.cfg.Worker, "unreadable action payload: "+err.Error())
	}
	j.data = j.p.data()

	forced := false
	if a.InDoubt {
		jr, ok, err := e.readJournal(ctx, a.Key)
		if err != nil {
			return e.retryLater(ctx, j, fmt.Errorf("read journal: %w", err), true, 0)
		}
		if ok && jr.Done {
			// The call finished before the crash; only its reporting was
			// lost. The run record gets its entry unless it already has it,
			// so every call the app received shows in the run. See
			// decision 0173.
			recorded, err := e.hasEntry(ctx, j, jr.Outcome)
			if err != nil {
				return e.retryLater(ctx, j, fmt.Errorf("read run entries: %w", err), true, 0)
			}
			return e.finish(ctx, j, jr, nil, journalRecord{FromJournal: true, Outputs: jr.Outputs}, false, !recorded)
		}
		forced = ok && jr.Forced
	}
	switch cs.Kind {
	case KindCondition:
		if cs.settingsOf != "" {
			settings, err := e.cfg.Webhooks.Values(ctx, cs.settingsOf)
			if err != nil {
				return e.retryLater(ctx, j, fmt.Errorf("read integration %s: %w", cs.settingsOf, err), false, 0)
			}
			j.data[macro.NamespaceIntegration] = settings
		}
		ok, err := cs.cond.Eval(ctx, j.data, j.object())
		if err != nil {
			return e.finish(ctx, j, journal{Outcome: OutcomeFailed, Error: e.mask(err.Error())}, nil, nil, false, true)
		}
		out := OutcomeOK
		if !ok {
			out = OutcomeFalse
		}
		return e.finish(ctx, j, journal{Outcome: out}, map[string]any{"condition": cs.Condition}, nil, false, true)
	case KindDelay:
		return e.finish(ctx, j, journal{Outcome: OutcomeOK}, map[string]any{"delay": time.Duration(cs.Delay).String()}, nil, false, true)
	case KindWebhook:
		return e.runWebhook(ctx, j, forced)
	case KindAD:
		return e.runAD(ctx, j)
	}
	return e.cfg.Queue.DeadLetter(ctx, a.ID, e.cfg.Worker, "unknown step kind "+cs.Kind)
}

// data returns the values a step's macros and conditions read: the
// object's namespaces and the outputs of the steps that ran before, as
// steps.<id>.<output>. Webhook steps add the integration's settings.
func (p payload) data() macro.Data {
	d := p.Object.Data()
	steps := map[string][]string{}
	for id, outs := range p.Outputs {
		for name, v := range outs {
			steps[id+"."+name] = v
		}
	}
	d[macro.NamespaceSteps] = steps
	return d
}

// succeeded reports whether an outcome follows the success branch.
func succeeded(outcome string) bool {
	switch outcome {
	case OutcomeOK, OutcomePlanned, OutcomeVerified:
		return true
	}
	return false
}

// finish records a step's final outcome and moves the object on with one
// store write (Queue.Settle), in one transaction:
//
//  1. the journal entry (only for a call that was sent and marked), so that
//     from here on the action is never sent again;
//  2. the run record entry;
//  3. the next step's action (a key already queued is left alone);
//  4. Complete or DeadLetter, which releases the action.
//
// The transaction keeps all of it or none: a failed write leaves the
// action in doubt for a sent call (the next holder verifies), as a failed
// journal write did when these were four writes. A lease lost meanwhile
// still commits 1-3, so the new holder settles from the journal and finds
// the entry. See decision 0178.
//
// An action that was in doubt when it was claimed stays in doubt when its
// settlement cannot be written, also when this attempt sent nothing (it was
// verified, or read from the journal): an earlier attempt may have sent the
// call, and the next attempt must check again instead of sending. See
// decision 0253.
//
// A call sent unmarked (sendUnmarked) gets no journal entry: the journal is
// read only for an action in doubt, to learn that its call went through,
// and such a call, in doubt or not, is sent again rather than checked. See
// decision 0251.
func (e *Engine) finish(ctx context.Context, j *job, jr journal, req, resp any, sent, record bool) error {
	jr.Done = true
	maybeSent := sent || j.a.InDoubt
	set := store.Settlement{ID: j.a.ID, Worker: e.cfg.Worker, CountAttempt: sent && j.unmarked}
	if sent && !j.unmarked {
		set.Journal = store.Doc{Kind: DocJournal, ID: j.a.Key, Value: jr}
	}
	if record {
		entry, err := e.entryOf(j, jr.Outcome, req, resp, jr.Error)
		if err != nil {
			return e.retryLater(ctx, j, fmt.Errorf("record entry: %w", err), maybeSent, 0)
		}
		set.Entries = []store.RunEntry{entry}
	}
	ok := succeeded(jr.Outcome)
	var next string
	if jr.Outcome == OutcomeFalse {
		next = j.rs.compiled.next(j.cs.ID, false)
	} else {
		next = j.rs.compiled.next(j.cs.ID, ok)
	}
	if next != "" && next != End {
		a, err := e.nextAction(j, jr, next)
		if err != nil {
			return e.retryLater(ctx, j, fmt.Errorf("queue next step: %w", err), maybeSent, 0)
		}
		set.Next = []store.NewAction{a}
	}
	if ok || jr.Outcome == OutcomeFalse {
		set.Result, _ = json.Marshal(jr)
	} else if set.DeadReason = jr.Error; set.DeadReason == "" {
		set.DeadReason = "step failed"
	}
	err := e.cfg.Queue.Settle(ctx, set)
	if err != nil && !errors.Is(err, store.ErrLeaseLost) {
		return e.retryLater(ctx, j, fmt.Errorf("settle: %w", err), maybeSent, 0)
	}
	return err
}

// nextAction is the action of the object's next step, carrying the
// outputs of the steps so far.
func (e *Engine) nextAction(j *job, jr journal, next string) (store.NewAction, error) {
	s := j.rs.compiled.step(next)
	p := j.p
	outs := make(map[string]map[string][]string, len(p.Outputs)+1)
	for k, v := range p.Outputs {
		outs[k] = v
	}
	if len(jr.Outputs) > 0 {
		outs[j.cs.ID] = jr.Outputs
	}
	p.Outputs = outs
	if jr.NewDN != "" {
		p.Object.DN = jr.NewDN
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return store.NewAction{}, err
	}
	var notBefore time.Time
	if j.cs.Kind == KindDelay && !j.rs.doc.DryRun {
		notBefore = e.cfg.Now().Add(time.Duration(j.cs.Delay))
	}
	return e.newAction(&j.rs.doc, j.a.ObjectID, &s.Step, raw, notBefore), nil
}

// appendEntry writes a run record entry on its own, for what happens
// before an action is settled (retries, verifies, doubts).
func (e *Engine) appendEntry(ctx context.Context, j *job, outcome string, req, resp any, errText string) error {
	entry, err := e.entryOf(j, outcome, req, resp, errText)
	if err != nil {
		return err
	}
	return e.cfg.Runs.Append(ctx, entry)
}

// entryOf is the run record entry of a step's outcome, with the request
// and response masked.
func (e *Engine) entryOf(j *job, outcome string, req, resp any, errText string) (store.RunEntry, error) {
	entry := store.RunEntry{RunID: j.a.RunID, ObjectID: j.a.ObjectID, Object: j.object(), Step: j.cs.ID,
		Outcome: outcome, Error: errText}
	m := e.cfg.Webhooks.Masker()
	if req != nil {
		b, err := json.Marshal(req)
		if err != nil {
			return entry, err
		}
		entry.Request = m.Bytes(b)
	}
	if resp != nil {
		b, err := json.Marshal(resp)
		if err != nil {
			return entry, err
		}
		entry.Response = m.Bytes(b)
	}
	return entry, nil
}

// journalRecord is the response of an entry recorded from the journal:
// the call's outputs, since the exchange itself died with the process that
// made it.
type journalRecord struct {
	FromJournal bool                `json:"fromJournal"`
	Outputs     map[string][]string `json:"outputs,omitempty"`
}

// hasEntry reports whether the run record already holds the action's entry
// with outcome, which a crash after recording it but before reporting to
// the queue leaves behind.
func (e *Engine) hasEntry(ctx context.Context, j *job, outcome string) (bool, error) {
	page := store.Page{Limit: store.MaxPageSize}
	for {
		es, next, err := e.cfg.Runs.Entries(ctx, j.a.RunID, store.EntryFilter{ObjectID: j.a.ObjectID, Outcome: outcome, Page: page})
		if err != nil {
			return false, err
		}
		for _, en := range es {
			if en.Step == j.cs.ID {
				return true, nil
			}
		}
		if next == "" {
			return false, nil
		}
		page.After = next
	}
}

// backoff is the wait before attempt n+1: exponential from MinBackoff,
// capped, with ±20% jitter so retries of a burst spread out.
func (e *Engine) backoff(attempts int) time.Duration {
	d := e.cfg.MinBackoff
	for i := 1; i < attempts && d < e.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, e.cfg.MaxBackoff)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// retryLater schedules another attempt after a retryable failure. The wait
// is the backoff, or the app's Retry-After when that is longer.
func (e *Engine) retryLater(ctx context.Context, j *job, cause error, maybeSent bool, retryAfter time.Duration) error {
	wait := max(e.backoff(j.a.Attempts+1), retryAfter)
	msg := e.mask(cause.Error())
	state, err := e.cfg.Queue.Fail(ctx, j.a.ID, e.cfg.Worker, store.Failure{Error: msg, RetryAt: e.cfg.Now().Add(wait), MaybeSent: maybeSent})
	if err != nil {
		return err
	}
	if state == store.ActionDead {
		e.log.Warn("action dead-lettered", "run", j.a.RunID, "object", j.a.ObjectID, "step", j.a.StepID, "error", msg)
	}
	return nil
}

// callRecord is how a rendered call is recorded when it was not sent (dry
// runs, render failures).
type callRecord struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Query  map[string]string `json:"query,omitempty"`
	Body   string            `json:"body,omitempty"`
}

func recordOf(rc *connectorv1.RenderedCall) callRecord {
	r := callRecord{Method: rc.GetMethod(), URL: rc.GetUrl(), Body: string(rc.GetBody())}
	if len(rc.GetQuery()) > 0 {
		r.Query = map[string]string{}
		for _, kv := range rc.GetQuery() {
			r.Query[kv.GetName()] = kv.GetValue()
		}
	}
	return r
}

func (e *Engine) runWebhook(ctx context.Context, j *job, forced bool) error {
	cs := j.cs
	settings, err := e.cfg.Webhooks.Values(ctx, cs.Integration)
	if err != nil {
		return e.retryLater(ctx, j, fmt.Errorf("read integration %s: %w", cs.Integration, err), j.a.InDoubt, 0)
	}
	j.data[macro.NamespaceIntegration] = settings
	call, err := cs.hook.Render(cs.bind, j.data, j.object(), j.p.Now)
	if err != nil {
		// A missing value is the object's problem, not the app's: retrying
		// cannot help, and nothing was sent.
		return e.finish(ctx, j, journal{Outcome: OutcomeFailed, Error: e.mask(err.Error())}, nil, nil, false, true)
	}
	req := call.Request
	req.IdempotencyKey = j.a.Key
	if j.rs.doc.DryRun {
		// Later steps see placeholders, so the plan shows where each
		// output would go.
		outs := map[string][]string{}
		for _, o := range cs.hook.Webhook.Outputs {
			outs[o.Name] = []string{"<" + cs.ID + "." + o.Name + ">"}
		}
		return e.finish(ctx, j, journal{Outcome: OutcomePlanned, Outputs: outs}, recordOf(req.GetCall()), nil, false, true)
	}
	if j.a.InDoubt && !forced {
		switch {
		case cs.verifyHook != nil:
			exists, outs, err := e.verify(ctx, j)
			if err != nil {
				if stopped(ctx) {
					return nil
				}
				if ra := retryAfterOf(err); ra > 0 || j.a.Attempts+1 < e.stepAttempts(&cs.Step) {
					return e.retryLater(ctx, j, fmt.Errorf("verify: %w", err), true, ra)
				}
				// The step's budget is spent and the lookup still cannot
				// tell: only an admin can. See decision 0174.
				reason := fmt.Sprintf("gave up after %d attempts: %s; the lookup that would tell failed: %s", j.a.Attempts+1, ErrInDoubt.Error(), e.mask(err.Error()))
				if err := e.appendEntry(ctx, j, OutcomeInDoubt, recordOf(req.GetCall()), nil, reason); err != nil {
					return e.retryLater(ctx, j, err, true, 0)
				}
				return e.cfg.Queue.DeadLetter(ctx, j.a.ID, e.cfg.Worker, reason)
			}
			if exists {
				return e.finish(ctx, j, journal{Outcome: OutcomeVerified, Outputs: outs}, nil, nil, false, true)
			}
		case cs.hook.Webhook.Idempotent:
			// Sending again has the effect of sending once.
		default:
			if err := e.appendEntry(ctx, j, OutcomeInDoubt, recordOf(req.GetCall()), nil, ErrInDoubt.Error()); err != nil {
				return e.retryLater(ctx, j, err, true, 0)
			}
			return e.cfg.Queue.DeadLetter(ctx, j.a.ID, e.cfg.Worker, ErrInDoubt.Error())
		}
	}
	over, err := e.limiters.wait(stopSignal(ctx), cs.Integration)
	if err != nil {
		return err
	}
	// A return before the call gives its rate permit back unused; the
	// first report wins.
	defer over(false)
	if stopped(ctx) {
		// Stopping: a call not yet started is handed back, never begun.
		return nil
	}
	if sendUnmarked(cs) {
		// MarkSending also refuses a lease that ran out while the call
		// waited for its rate; without it, the lease is checked here.
		if !j.a.LeaseUntil.After(e.cfg.Now()) {
			return fmt.Errorf("send action %d: its lease ran out while it waited for the rate limit: %w", j.a.ID, store.ErrLeaseLost)
		}
		j.unmarked = true
	} else if err := e.cfg.Queue.MarkSending(ctx, j.a.ID, e.cfg.Worker); err != nil {
		return err
	}
	resp, err := e.cfg.Webhooks.Invoke(ctx, cs.Integration, req)
	over(true)
	m := e.cfg.Webhooks.Masker()
	if err == nil {
		rq, rp := outbound.Exchange(resp.GetExchange(), m)
		return e.finish(ctx, j, journal{Outcome: OutcomeOK, Outputs: outbound.OutputValues(resp)}, rq, rp, true, true)
	}
	if ctx.Err() != nil {
		// The drain period ended with the call unanswered: leave the action
		// in "sending"; the next claim resolves it as in doubt.
		return nil
	}
	ce := outbound.AsCallError(err, m)
	rq, rp := outbound.Exchange(ce.App.GetExchange(), m)
	rateLimited := ce.App.GetKind() == connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED
	budget := e.stepAttempts(&cs.Step)
	if rateLimited {
		budget = j.a.MaxAttempts
	}
	if ce.App.GetRetryable() && j.a.Attempts+1 < budget {
		if err := e.appendEntry(ctx, j, OutcomeRetry, rq, rp, ce.Message); err != nil {
			e.log.Warn("could not record a retry", "run", j.a.RunID, "error", e.mask(err.Error()))
		}
		// A 429 was refused before the app did anything; any other
		// retryable failure (5xx, a dropped connection, a connector that
		// died) may have reached it.
		maybeSent := !rateLimited
		retryAfter := time.Duration(ce.App.GetRetryAfterSeconds()) * time.Second
		if !maybeSent && retryAfter > 0 {
			e.limiters.pause(cs.Integration, e.cfg.Now().Add(retryAfter))
		}
		return e.retryLater(ctx, j, ce, maybeSent, retryAfter)
	}
	msg := ce.Message
	if ce.App.GetRetryable() {
		msg = fmt.Sprintf("gave up after %d attempts: %s", j.a.Attempts+1, msg)
	}
	return e.finish(ctx, j, journal{Outcome: OutcomeFailed, Error: msg}, rq, rp, true, true)
}

// sendUnmarked reports whether a webhook step's call goes out without the
// durable "about to send" mark (Queue.MarkSending): the mark only makes an
// interrupted call in doubt, and a call in doubt of an idempotent webhook
// without a verify is sent again without any check, exactly what an
// interrupted call that was never marked gets. Skipping the mark saves one
// store write and commit per call; calls whose doubt is settled by a
// verify or an admin keep it. See decision 0251.
func sendUnmarked(cs *compiledStep) bool {
	return cs.hook.Webhook.Idempotent && cs.verifyHook == nil
}

// retryAfterOf reads the app's Retry-After from a failed call.
func retryAfterOf(err error) time.Duration {
	var ce *outbound.CallError
	if errors.As(err, &ce) {
		return time.Duration(ce.App.GetRetryAfterSeconds()) * time.Second
	}
	return 0
}

// verify runs the step's lookup to learn whether a call left in doubt took
// effect. A lookup that fails as not found means it did not.
func (e *Engine) verify(ctx context.Context, j *job) (bool, map[string][]string, error) {
	cs := j.cs
	call, err := cs.verifyHook.Render(cs.verifyBind, j.data, j.object(), j.p.Now)
	if err != nil {
		return false, nil, err
	}
	call.Request.IdempotencyKey = j.a.Key + "verify"
	over, err := e.limiters.wait(stopSignal(ctx), cs.Integration)
	if err != nil {
		return false, nil, err
	}
	m := e.cfg.Webhooks.Masker()
	resp, err := e.cfg.Webhooks.Invoke(ctx, cs.Integration, call.Request)
	over(true)
	if err != nil {
		ce := outbound.AsCallError(err, m)
		rq, rp := outbound.Exchange(ce.App.GetExchange(), m)
		_ = e.appendEntry(ctx, j, OutcomeVerify, rq, rp, ce.Message)
		if ce.App.GetKind() == connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND {
			return false, nil, nil
		}
		if ra := ce.App.GetRetryAfterSeconds(); ce.App.GetKind() == connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED && ra > 0 {
			e.limiters.pause(cs.Integration, e.cfg.Now().Add(time.Duration(ra)*time.Second))
		}
		return false, nil, ce
	}
	rq, rp := outbound.Exchange(resp.GetExchange(), m)
	_ = e.appendEntry(ctx, j, OutcomeVerify, rq, rp, "")
	outs := outbound.OutputValues(resp)
	if cs.exists == nil {
		return true, outs, nil
	}
	vars := macro.Data{}
	for k, v := range j.data {
		vars[k] = v
	}
	vars[NamespaceLookup] = outs
	ok, err := cs.exists.Eval(ctx, vars, j.object())
	return ok, outs, err
}

// adRecord is how an AD step is recorded.
type adRecord struct {
	Action     string            `json:"action"`
	DN         string            `json:"dn"`
	Target     string            `json:"target,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// runAD performs an AD step. AD actions set a state (an attribute value,
// enabled or not, a membership), so repeating one after a crash is safe and
// needs no verification.
func (e *Engine) runAD(ctx context.Context, j *job) error {
	cs := j.cs
	dn := j.p.Object.DN
	rec := adRecord{Action: cs.AD.Action, DN: dn}
	env := macro.Env{Values: j.data, Object: j.object(), Now: j.p.Now}
	fail := func(err error) error {
		return e.finish(ctx, j, journal{Outcome: OutcomeFailed, Error: e.mask(err.Error())}, rec, nil, false, true)
	}
	if cs.adTarget != nil {
		v, err := cs.adTarget.Value(env)
		if err != nil {
			return fail(err)
		}
		rec.Target = v
	}
	var changes []directory.Change
	if len(cs.adAttrs) > 0 {
		rec.Attributes = map[string]string{}
		for name, t := range cs.adAttrs {
			if t == nil {
				changes = append(changes, directory.Replace(name))
				rec.Attributes[name] = ""
				continue
			}
			v, err := t.Value(env)
			if err != nil {
				return fail(err)
			}
			changes = append(changes, directory.Replace(name, v))
			rec.Attributes[name] = v
		}
	}
	if j.rs.doc.DryRun {
		return e.finish(ctx, j, journal{Outcome: OutcomePlanned}, rec, nil, false, true)
	}
	if e.cfg.Directory == nil {
		return fail(errors.New("no directory is configured for AD steps"))
	}
	if dn == "" {
		return fail(fmt.Errorf("object %s has no DN", j.a.ObjectID))
	}
	if stopped(ctx) {
		return nil
	}
	if err := e.cfg.Queue.MarkSending(ctx, j.a.ID, e.cfg.Worker); err != nil {
		return err
	}
	d := e.cfg.Directory
	var jr journal
	var err error
	switch cs.AD.Action {
	case ADModify:
		err = d.Modify(ctx, dn, changes...)
	case ADDisable:
		err = d.SetEnabled(ctx, dn, false)
	case ADEnable:
		err = d.SetEnabled(ctx, dn, true)
	case ADMove:
		var newDN string
		if newDN, err = d.Move(ctx, dn, rec.Target); err == nil {
			jr.NewDN, jr.Outputs = newDN, map[string][]string{"dn": {newDN}}
		}
	case ADAddToGroup:
		if err = d.AddToGroup(ctx, rec.Target, dn); errors.Is(err, directory.ErrExists) {
			err = nil // already a member: the state asked for holds
		}
	case ADRemoveFromGroup:
		err = d.RemoveFromGroup(ctx, rec.Target, dn)
	}
	if err == nil {
		jr.Outcome = OutcomeOK
		return e.finish(ctx, j, jr, rec, nil, true, true)
	}
	if ctx.Err() != nil {
		return nil
	}
	if errors.Is(err, directory.ErrUnavailable) && j.a.Attempts+1 < e.stepAttempts(&cs.Step) {
		_ = e.appendEntry(ctx, j, OutcomeRetry, rec, nil, e.mask(err.Error()))
		return e.retryLater(ctx, j, err, true, 0)
	}
	return e.finish(ctx, j, journal{Outcome: OutcomeFailed, Error: e.mask(err.Error())}, rec, nil, true, true)
}
