package watch

import (
	"context"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/directory"
)

// settleAfter is how far in the past (by the host's clock) the newest
// timestamp seen must be before the watcher stops reading its second
// again: no change can still land in a second that long gone, unless the
// clocks of host and server differ by more.
const settleAfter = 2 * time.Minute

// pollTimestamp follows changes on directories without USNs. On OpenLDAP
// it follows entryCSN, which is unique per change, and asks only for CSNs
// after the newest one seen, so a poll at rest reads nothing. Where there
// is no entryCSN it follows modifyTimestamp, whose whole seconds are
// shared by many entries after a bulk load; it reads the newest second
// again only until that second has settled, so equal timestamps never make
// every poll re-read them. There are no tombstones, so deletions are found
// by a sweep that reads only the IDs (see sweep). See decision 0212.
func (w *Watcher) pollTimestamp(ctx context.Context) (Stats, error) {
	cur := w.cursor
	w.seenTS, w.seenCSN = cur.Timestamp, cur.CSN
	var (
		st  Stats
		err error
	)
	switch {
	case !cur.Initialized:
		st, err = w.fullCompare(ctx, w.opts.EmitInitial)
		st.How = "initial"
		w.lastSweep, w.lastFull = w.now(), w.now()
	case cur.Timestamp == "" && cur.CSN == "" || w.fullCompareDue():
		st, err = w.fullCompare(ctx, true)
		w.lastSweep, w.lastFull = w.now(), w.now()
	default:
		st = Stats{How: "timestamp"}
		changed, older := w.changeFilter(cur)
		isOlder := func(u directory.User) bool {
			c := u.Get("createTimestamp")
			return c != "" && c < older
		}
		if err = w.changedUsers(ctx, changed, isOlder, &st); err == nil {
			err = w.changedGroups(ctx, changed, &st)
		}
		if err == nil && w.sweepDue() {
			st.How = "sweep"
			err = w.sweep(ctx, &st)
			w.lastSweep = w.now()
		}
		if err == nil && st.Read == 0 && st.How == "timestamp" {
			st.How = "idle"
		}
	}
	if err != nil {
		return st, err
	}
	next := cur
	next.Timestamp, next.CSN = w.seenTS, w.seenCSN
	return st, w.saveCursor(ctx, next)
}

// changeFilter is the filter for entries changed after the cursor, and the
// timestamp before which an entry counts as created before it.
func (w *Watcher) changeFilter(cur Cursor) (filter, older string) {
	older = cur.Timestamp
	if cur.CSN != "" {
		// CSNs are unique per change: strictly after the newest seen.
		return "(&(entryCSN>=" + cur.CSN + ")(!(entryCSN=" + cur.CSN + ")))", older
	}
	if t, ok := parseGeneralizedTime(cur.Timestamp); ok && w.now().Sub(t) > settleAfter {
		return "(&(modifyTimestamp>=" + cur.Timestamp + ")(!(modifyTimestamp=" + cur.Timestamp + ")))", older
	}
	return "(modifyTimestamp>=" + cur.Timestamp + ")", older
}

// trackTimestamp remembers the newest modification time and CSN seen this
// poll. Generalized times and CSNs of one server have the same layout, so
// they order as strings.
func (w *Watcher) trackTimestamp(e interface{ Get(string) string }) {
	for _, a := range []string{"modifyTimestamp", "createTimestamp"} {
		if t := e.Get(a); t > w.seenTS {
			w.seenTS = t
		}
	}
	if c := e.Get("entryCSN"); c > w.seenCSN && validCSN(c) {
		w.seenCSN = c
	}
}

// validCSN accepts an OpenLDAP CSN (20261128004415.123456Z#000000#000#000000)
// and nothing that could change the meaning of the filter it goes into.
func validCSN(c string) bool {
	if len(c) < 20 || len(c) > 64 {
		return false
	}
	for _, r := range c {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '.' || r == 'Z' || r == '#') {
			return false
		}
	}
	return true
}

// parseGeneralizedTime reads the LDAP generalized times servers write
// (20261128004415Z, 20261128004415.0Z).
func parseGeneralizedTime(s string) (time.Time, bool) {
	if i := strings.IndexByte(s, '.'); i > 0 && strings.HasSuffix(s, "Z") {
		s = s[:i] + "Z"
	}
	t, err := time.Parse("20060102150405Z", s)
	return t, err == nil
}

// fullCompareDue says whether this poll compares every user: every
// FullCompareEvery polls when set, else once per FullCompareInterval.
func (w *Watcher) fullCompareDue() bool {
	if w.opts.FullCompareEvery > 0 {
		return w.polls%w.opts.FullCompareEvery == 0
	}
	return w.now().Sub(w.lastFull) >= w.opts.FullCompareInterval
}

// sweepDue says whether this poll looks for deleted users.
func (w *Watcher) sweepDue() bool {
	return w.opts.FullCompareEvery == 0 && w.now().Sub(w.lastSweep) >= w.opts.SweepInterval
}

// sweep finds users deleted (or moved out of the base) since the last
// sweep by reading only the IDs in the base: a few bytes per user instead
// of every watched attribute, so it can run every few minutes at 100,000
// users.
func (w *Watcher) sweep(ctx context.Context, st *Stats) error {
	idAttr := w.c.IDAttribute()
	seen := make(map[string]struct{}, len(w.objects))
	err := w.c.Search(ctx, directory.Query{Base: w.base, Filter: w.c.UserFilter(), Attributes: []string{idAttr}},
		func(e directory.Entry) error {
			seen[e.Get(idAttr)] = struct{}{}
			return nil
		})
	if err != nil {
		return err
	}
	return w.resolveMissing(ctx, seen, true, st)
}
