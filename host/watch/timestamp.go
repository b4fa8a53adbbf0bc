package watch

import (
	"context"

	"github.com/idbridge/idbridge/host/directory"
)

// pollTimestamp follows modifyTimestamp on directories without USNs. It has
// no tombstones, so deletions are found by a full compare every
// FullCompareEvery polls. Timestamps have whole seconds, so the filter uses
// >= the newest one seen: the last second is read again, and the snapshot
// comparison turns the repeat into no event.
func (w *Watcher) pollTimestamp(ctx context.Context) (Stats, error) {
	cur := w.cursor
	w.seenTS = cur.Timestamp
	var (
		st  Stats
		err error
	)
	switch {
	case !cur.Initialized:
		st, err = w.fullCompare(ctx, w.opts.EmitInitial)
		st.How = "initial"
	case cur.Timestamp == "" || w.polls%w.opts.FullCompareEvery == 0:
		st, err = w.fullCompare(ctx, true)
	default:
		st = Stats{How: "timestamp"}
		changed := "(modifyTimestamp>=" + cur.Timestamp + ")"
		isOlder := func(u directory.User) bool {
			c := u.Get("createTimestamp")
			return c != "" && c < cur.Timestamp
		}
		if err = w.changedUsers(ctx, changed, isOlder, &st); err == nil {
			err = w.changedGroups(ctx, changed, &st)
		}
	}
	if err != nil {
		return st, err
	}
	next := cur
	next.Timestamp = w.seenTS
	return st, w.saveCursor(ctx, next)
}

// trackTimestamp remembers the newest modification time seen this poll.
// Generalized times of one server have the same layout, so they order as
// strings.
func (w *Watcher) trackTimestamp(u directory.User) {
	for _, a := range []string{"modifyTimestamp", "createTimestamp"} {
		if t := u.Get(a); t > w.seenTS {
			w.seenTS = t
		}
	}
}
