package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/idbridge/idbridge/host/directory"
)

// pollUSN follows AD's update sequence numbers, or DirSync when dirSync is
// set; both rely on the same DC identity check.
func (w *Watcher) pollUSN(ctx context.Context, dirSync bool) (Stats, error) {
	root, err := w.c.RootDSE(ctx)
	if err != nil {
		return Stats{}, err
	}
	inv, err := w.c.InvocationID(ctx, root.DSServiceName)
	if err != nil {
		return Stats{}, err
	}
	next := Cursor{DSServiceName: root.DSServiceName, InvocationID: inv, USN: root.HighestCommittedUSN}
	cur := w.cursor
	var st Stats
	switch {
	case !cur.Initialized || (dirSync && len(cur.DirSyncCookie) == 0):
		if dirSync {
			// Take the cookie first, so changes during the snapshot are
			// seen again by the next poll rather than lost.
			if next.DirSyncCookie, err = w.c.DirSync(ctx, w.dirSyncQuery(), nil, func(directory.Entry) error { return nil }); err != nil {
				return Stats{}, err
			}
		}
		st, err = w.fullCompare(ctx, cur.Initialized || w.opts.EmitInitial)
		st.How = "initial"
	case cur.InvocationID != inv || !strings.EqualFold(cur.DSServiceName, root.DSServiceName) || root.HighestCommittedUSN < cur.USN:
		// USNs only mean something for one DC database. A restored DC
		// (new invocationId, possibly lower USNs) or another DC would make
		// a delta query miss changes, so compare everything once.
		w.log.Warn("domain controller restored or replaced; comparing every user with the last snapshot",
			"old_server", cur.DSServiceName, "old_invocation_id", cur.InvocationID,
			"server", root.DSServiceName, "invocation_id", inv, "old_usn", cur.USN, "usn", root.HighestCommittedUSN)
		if dirSync {
			if next.DirSyncCookie, err = w.c.DirSync(ctx, w.dirSyncQuery(), nil, func(directory.Entry) error { return nil }); err != nil {
				return Stats{}, err
			}
		}
		st, err = w.fullCompare(ctx, true)
	case root.HighestCommittedUSN == cur.USN:
		return Stats{How: "idle"}, nil
	case dirSync:
		st, next.DirSyncCookie, err = w.deltaDirSync(ctx, cur)
	default:
		st, err = w.deltaUSN(ctx, cur.USN+1)
	}
	if err != nil {
		return st, err
	}
	return st, w.saveCursor(ctx, next)
}

// deltaUSN processes every object changed at or after USN from. LDAP has no
// strict "greater than", hence the +1 by the caller.
func (w *Watcher) deltaUSN(ctx context.Context, from int64) (Stats, error) {
	st := Stats{How: "usn"}
	changed := fmt.Sprintf("(uSNChanged>=%d)", from)
	isOlder := func(u directory.User) bool {
		n, err := strconv.ParseInt(u.Get("uSNCreated"), 10, 64)
		return err == nil && n < from
	}
	if err := w.changedUsers(ctx, changed, isOlder, &st); err != nil {
		return st, err
	}
	if err := w.changedGroups(ctx, changed, &st); err != nil {
		return st, err
	}
	// Deleted users and groups become tombstones outside the base; ask
	// for them.
	var deletedGroups []string
	err := w.c.Search(ctx, directory.Query{
		Base:        w.c.BaseDN(),
		ShowDeleted: true,
		Filter:      fmt.Sprintf("(&(isDeleted=TRUE)(uSNChanged>=%d))", from),
		Attributes:  []string{"objectGUID", "objectClass", "cn", "lastKnownParent"},
	}, func(e directory.Entry) error {
		if slices.ContainsFunc(e.Values("objectClass"), func(c string) bool { return strings.EqualFold(c, "group") }) {
			if dn := tombstoneDN(e); dn != "" {
				deletedGroups = append(deletedGroups, dn)
			}
			return nil
		}
		n, err := w.gone(ctx, e.Get("objectGUID"), true)
		st.Events += n
		return err
	})
	if err != nil {
		return st, err
	}
	// A deleted group leaves its members without touching them.
	for _, g := range deletedGroups {
		if err := w.recheckFormerMembers(ctx, g, nil, &st); err != nil {
			return st, err
		}
		// Its member groups are members of nothing through it any more.
		if err := w.renest(ctx, g, &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// tombstoneDN rebuilds the DN a deleted object had: AD renames it to
// "<cn>\nDEL:<guid>" under Deleted Objects and keeps the old parent in
// lastKnownParent.
func tombstoneDN(e directory.Entry) string {
	cn, _, _ := strings.Cut(e.Get("cn"), "\n")
	parent := e.Get("lastKnownParent")
	if cn == "" || parent == "" {
		return ""
	}
	return "CN=" + ldap.EscapeDN(cn) + "," + parent
}

// changedUsers reads the users matching the change filter anywhere in the
// naming context (so that users moved out of the base are seen too).
func (w *Watcher) changedUsers(ctx context.Context, changed string, isOlder func(directory.User) bool, st *Stats) error {
	return w.c.Users(ctx, directory.UserQuery{Base: w.c.BaseDN(), Filter: changed, Extra: w.attrs}, func(u directory.User) error {
		w.trackTimestamp(u)
		if _, known := w.objects[u.ID]; !known && !directory.UnderDN(u.DN, w.base) {
			return nil
		}
		st.Read++
		n, err := w.observe(ctx, u, true, isOlder(u))
		st.Events += n
		return err
	})
}

// changedGroups handles membership. Adding a member changes the group, not
// the user (memberOf is computed), so for each changed group the watcher
// re-reads its members in the base and the users it believed were members.
func (w *Watcher) changedGroups(ctx context.Context, changed string, st *Stats) error {
	var groups []string
	attrs := []string{"1.1"}
	if w.c.Flavor() != directory.FlavorAD {
		// The group's own change moves the timestamp cursor too, or the
		// group would be read again at every poll.
		attrs = []string{"modifyTimestamp", "createTimestamp", "entryCSN"}
	}
	err := w.c.Search(ctx, directory.Query{
		Base:       w.c.BaseDN(),
		Filter:     directory.And(w.c.GroupFilter(), changed),
		Attributes: attrs,
	}, func(e directory.Entry) error {
		w.trackTimestamp(e)
		groups = append(groups, e.DN)
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := w.regroup(ctx, g, st); err != nil {
			return err
		}
		if err := w.renest(ctx, g, st); err != nil {
			return err
		}
	}
	return nil
}

// regroup re-reads the current members of group g in the base and the
// users the snapshot lists as its members.
func (w *Watcher) regroup(ctx context.Context, g string, st *Stats) error {
	members := map[string]bool{}
	err := w.c.Users(ctx, directory.UserQuery{Base: w.base, Filter: directory.Equal("memberOf", g), Extra: w.attrs},
		func(u directory.User) error {
			members[u.ID] = true
			st.Read++
			n, err := w.observe(ctx, u, true, true)
			st.Events += n
			return err
		})
	if err != nil {
		return err
	}
	return w.recheckFormerMembers(ctx, g, members, st)
}

// recheckFormerMembers re-reads the users the snapshot lists as members of
// group (other than those in skip, already read), so removals are seen.
func (w *Watcher) recheckFormerMembers(ctx context.Context, group string, skip map[string]bool, st *Stats) error {
	var former []string
	for id, o := range w.objects {
		if !skip[id] && containsDN(o.Groups, group) {
			former = append(former, id)
		}
	}
	slices.Sort(former)
	for _, id := range former {
		u, err := w.c.UserByID(ctx, id)
		var n int
		switch {
		case err == nil:
			st.Read++
			n, err = w.observe(ctx, u, true, true)
		case errors.Is(err, directory.ErrNotFound):
			n, err = w.gone(ctx, id, true)
		}
		if err != nil {
			return err
		}
		st.Events += n
	}
	return nil
}

// containsDN reports whether list (lower-cased DNs as the server wrote
// them) holds dn. Strings are compared rather than parsed DNs: this runs for
// every remembered user per changed group, and the server spells a DN the
// same way each time.
func containsDN(list []string, dn string) bool {
	_, ok := slices.BinarySearch(list, strings.ToLower(dn))
	return ok
}
