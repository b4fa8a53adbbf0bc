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
// store: each call reserves the next free send slot of its lane, slots
// spaced one interval apart whichever host reserved them, so the hosts
// together never exceed the limit and, when they have work, use all of it.
type RateBudget interface {
	// ReserveSlot reserves lane's next slot, at least interval after the
	// previous one and not before now, and returns its instant: the caller
	// sends no earlier.
	ReserveSlot(ctx context.Context, lane string, interval time.Duration) (time.Time, error)
}
