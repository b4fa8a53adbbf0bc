package store

import (
	"context"
	"time"
)

// Lease is a named, expiring lock shared by the hosts of one store: the
// work only one host may do at a time (watching the directory, running
// schedules) goes to whoever holds its lease.
type Lease struct {
	// Name says what the lease is for, e.g. "watcher".
	Name string
	// Holder names the host holding it (or that held it last).
	Holder string
	// Until is when it expires unless renewed; the zero time or a past
	// instant means anyone may take it.
	Until time.Time
	// Since is when the current holder took it.
	Since time.Time
	// Takeovers counts how often the lease passed from one holder to
	// another, over the store's life: failovers and hand-overs.
	Takeovers int64
}

// Leases keeps the named leases of a store. Holders renew a lease well
// before it expires; a holder that dies stops renewing, and another takes
// the lease once it expires.
type Leases interface {
	// AcquireLease takes lease name for holder until now+ttl when it is
	// free, expired or already holder's (a renewal), and returns the lease
	// as it now is: holder holds it exactly when the result's Holder is
	// holder.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error)
	// ReleaseLease lets go of a lease holder holds, so another host takes
	// it at once instead of after expiry; releasing a lease held by
	// someone else does nothing.
	ReleaseLease(ctx context.Context, name, holder string) error
	// ListLeases returns every lease the store has seen, by name.
	ListLeases(ctx context.Context) ([]Lease, error)
}

// RateBudget shares an integration's rate limit among every host of a
// store as a set of send permits per lane. A host holds a permit from the
// moment it is granted until it reports the call over, and the permit
// rests for one window after that before anyone may take it again. Every
// request therefore reaches the app while its permit is held, or at the
// latest when it is reported over, so any window of the app's meter holds
// at most the lane's permits: whatever the hosts' scheduling, network or
// database latency, the guarantee does not depend on timing. Granted
// permits also carry send slots spaced one interval apart, which keep the
// pace even instead of spending a window's permits in a burst. See
// decision 0275.
type RateBudget interface {
	// AcquirePermits grants up to req.Want of the lane's free permits.
	// When it grants none, the result says when asking again may succeed.
	AcquirePermits(ctx context.Context, req PermitRequest) (PermitGrant, error)
	// ReleasePermits ends grants: the permits become free again rest after
	// now (one window for a call that was sent, zero for one that never
	// was). Permits taken back meanwhile (held past PermitRequest.Hold) are
	// left alone.
	ReleasePermits(ctx context.Context, lane string, permits []Permit, rest time.Duration) error
}

// PermitRequest asks the rate budget for permits of one lane.
type PermitRequest struct {
	// Lane is the integration whose limit the permits share.
	Lane string
	// Want is how many permits the host can use now.
	Want int
	// Permits is how many calls the lane allows in any window.
	Permits int
	// Interval spaces the send slots of consecutive grants.
	Interval time.Duration
	// Hold bounds how long a permit stays granted without a release: a
	// host that died mid-call never releases, and its permits come back
	// after Hold. It must exceed the longest a call can take.
	Hold time.Duration
}

// Permit is one granted send.
type Permit struct {
	// Slot is which of the lane's permits this is.
	Slot int
	// Gen tells this grant of the permit from earlier and later ones.
	Gen int64
	// At is the send slot: the call leaves no earlier.
	At time.Time
}

// PermitGrant is what AcquirePermits granted.
type PermitGrant struct {
	// Permits are the granted permits, their slots in order.
	Permits []Permit
	// Retry, when no permit was granted, is when the wanted permits are
	// expected to be free.
	Retry time.Time
}
