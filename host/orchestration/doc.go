// Package orchestration runs orchestration templates: ordered steps with
// success and failure branches (outbound webhooks of any enabled
// integration, AD actions, CEL conditions, delays) for each AD object of a
// run, durably, at each integration's rate limit, and without doing
// anything twice.
//
// # Templates
//
// A [Template] is checked when saved: unique step ids, branch targets that
// exist, no loop (success, failure and next-in-order edges; the error names
// the loop), and every macro and condition against the scope of its place:
// AD attributes known to the directory schema, the object, the
// integration's settings, and the outputs of the steps that can run before
// (%steps.<id>.<output>%).
//
// # Runs
//
// [Engine.StartRun] records a run and puts the first step of each object in
// the store's durable queue, keyed by run, object and step.
// [Engine.Run] is the worker loop: one worker per lane (integration,
// directory, local steps), paced by a token bucket at the integration's rate
// limit. Each action follows the store's queue protocol: claim with a
// lease, MarkSending committed just before the call, then the journal
// entry, the run record's entry, the next step's action and the queue
// report, written together in one transaction by Queue.Settle (see
// [Engine.finish] and decisions 0082 and 0178). A call of an idempotent
// webhook without a verify, which would be resent unchecked if it were in
// doubt, skips the mark and the journal: one store write per call instead
// of two (decision 0251). Retryable failures back off
// exponentially and honour Retry-After; permanent ones take the step's
// failure branch, or fail the object. An action a crash left in doubt is
// resolved by its journal entry, by the step's verification lookup, by
// resending an idempotent webhook, or else dead-lettered for an admin.
//
// A run that would deactivate more accounts than its limit waits in
// [StatusNeedsApproval] until [Engine.Approve] or [Engine.Cancel]. The
// guard walks the template for each object before anything runs: a
// condition the object alone decides (its AD attributes, its DN) prunes
// the branch it rules out; a condition that reads step outputs or fails to
// evaluate, and every call (which may succeed or fail), keep both
// branches. An object counts when some remaining path reaches a
// deactivating step, so the count may be high but is never low (decision
// 0162).
// [Engine.Retry] requeues the failed steps of a run or of one object.
//
// # Journal retention
//
// Journal entries are only needed while a call can still be in doubt, so
// they need not outlive their run. [Engine.RetainJournals], which the host
// runs beside [Engine.Run], calls [Engine.PruneJournals] every hour: the
// journals of runs that finished (succeeded, partial, failed, canceled)
// longer than Config.JournalRetention ago (30 days by default) are deleted
// and the run record gains the count [CountJournalPruned]. Run records,
// their entries and run documents stay. A run with an action still queued
// or in flight, or with a call dead-lettered as in doubt, keeps its journal
// whatever its age (decision 0150).
package orchestration
