package cluster

import (
	"context"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// Headroom is the share of an integration's rate limit the hosts use
// together. Slots are spaced exactly, but a call leaves its host a little
// after its slot and crosses the network; the 5% margin keeps that jitter
// from putting one second over the app's limit. See decision 0234.
const Headroom = 0.95

// Budget paces every host's calls of a lane through the store's shared
// rate budget: each call reserves the next slot and waits for it.
type Budget struct {
	// Slots is the store's rate budget.
	Slots store.RateBudget
}

// Wait blocks until this host may send one call on lane, whose limit is
// perSecond for all hosts together.
func (b Budget) Wait(ctx context.Context, lane string, perSecond float64) error {
	if perSecond <= 0 {
		return nil
	}
	interval := time.Duration(float64(time.Second) / (perSecond * Headroom))
	slot, err := b.Slots.ReserveSlot(ctx, lane, interval)
	if err != nil {
		return err
	}
	d := time.Until(slot)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
