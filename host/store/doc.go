// Package store is the host's persistence: configuration documents (Docs),
// the durable work queue for outbound actions (Queue), run records (Runs)
// and the append-only audit log (Audit).
//
// The interfaces here are deliberately narrow so that backends can differ:
// the embedded SQLite one (package store/sqlite) and the PostgreSQL one
// shared by several hosts (package store/postgres), which share their reads
// and row handling through package store/storesql. Nothing outside the
// application's wiring may depend on a particular backend. Backend bundles
// the four for that wiring.
//
// Memory is a Backend in memory for other packages' tests. Every backend
// passes the conformance suite in package storetest, so behaviour seen in
// tests against Memory holds on SQLite too (crash safety aside).
//
// # The queue protocol
//
// Outbound actions (one call of one step for one object in one run) go
// through Queue so that a host crash neither loses nor repeats them:
//
//  1. Enqueue records the action under an idempotency key, by default
//     ActionKey(run, object, step). Enqueuing the same key again is a
//     no-op that returns the existing action, so a planner that is
//     restarted half-way can simply plan again.
//  2. Claim hands ready actions of one lane (usually the integration id,
//     whose rate limit the worker applies) to a worker with a lease. A lease
//     that expires (the worker crashed or hung) makes the action claimable
//     again; Extend keeps a long call's lease alive.
//  3. MarkSending is called immediately BEFORE the HTTP call. It is durable
//     once it returns. A caller may skip it for a call whose repetition is
//     harmless (an idempotent webhook resent without a check): such a call
//     is never in doubt, Settle with CountAttempt counts its attempt, and
//     the caller checks the lease's expiry itself (decision 0251).
//  4. After the call, exactly one of Complete (with the result), Fail (with
//     the error and the time of the next attempt, or dead-lettered once the
//     attempts are used up) or DeadLetter (with the reason) records the
//     outcome atomically and releases the lease. Settle does Complete or
//     DeadLetter in one transaction with what goes with it: the call's
//     journal document, the run entries and the next actions (decision
//     0178).
//
// A dispatcher finds the lanes with work through Lanes and lets each
// worker sleep until NextDue instead of polling.
//
// Every report carries the worker id; a worker whose lease was taken over
// gets ErrLeaseLost and must drop the action.
//
// When a crashed worker's action is claimed again, Action.InDoubt tells the
// new worker whether the previous holder had reached step 3 without step 4:
// the call may or may not have reached the app. An in-doubt action must be
// checked before it is sent again (for example, look the user up by e-mail
// before adding them) unless the webhook is idempotent; an action claimed
// while not in doubt was never sent, or was sent unmarked because sending it
// again is harmless, and can be sent directly.
// This is what makes exactly-once effects possible on top of an
// at-least-once queue. Fail clears InDoubt unless Failure.MaybeSent says the
// error happened after the request may have left (a timeout, a reset
// connection).
//
// # Times
//
// Backends store instants with millisecond precision in UTC; callers should
// not rely on finer resolution.
package store
