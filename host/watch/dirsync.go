package watch

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/host/directory"
)

// dirSyncQuery asks for users and groups in the whole naming context, with
// every changed attribute (DirSync returns only those).
func (w *Watcher) dirSyncQuery() directory.Query {
	return directory.Query{Base: w.c.BaseDN(), Filter: "(|(objectClass=user)(objectClass=group))"}
}

// deltaDirSync processes the objects DirSync reports changed since the
// cursor's cookie. Entries hold only the changed attributes, so each user is
// read whole by its GUID; an entry that is not a user but carries member
// changes is a group whose membership is re-read.
func (w *Watcher) deltaDirSync(ctx context.Context, cur Cursor) (Stats, []byte, error) {
	st := Stats{How: "dirsync"}
	type change struct {
		id, dn      string
		deleted     bool
		member      bool
		tombstoneDN string
	}
	var changes []change
	cookie, err := w.c.DirSync(ctx, w.dirSyncQuery(), cur.DirSyncCookie, func(e directory.Entry) error {
		ch := change{id: e.Get("objectGUID"), dn: e.DN, deleted: strings.EqualFold(e.Get("isDeleted"), "TRUE")}
		for name := range e.Attributes {
			if n := strings.ToLower(name); n == "member" || strings.HasPrefix(n, "member;") {
				ch.member = true
			}
		}
		if ch.deleted {
			ch.tombstoneDN = tombstoneDN(e)
		}
		changes = append(changes, ch)
		return nil
	})
	if err != nil {
		return st, nil, err
	}
	isOlder := func(u directory.User) bool {
		n, err := strconv.ParseInt(u.Get("uSNCreated"), 10, 64)
		return err == nil && n <= cur.USN
	}
	for _, ch := range changes {
		var n int
		switch {
		case ch.deleted:
			if _, known := w.objects[ch.id]; known {
				n, err = w.gone(ctx, ch.id, true)
			} else if ch.tombstoneDN != "" {
				err = w.recheckFormerMembers(ctx, ch.tombstoneDN, nil, &st)
			}
		default:
			var u directory.User
			u, err = w.c.UserByID(ctx, ch.id)
			switch {
			case err == nil:
				_, known := w.objects[u.ID]
				if known || directory.UnderDN(u.DN, w.base) {
					st.Read++
					n, err = w.observe(ctx, u, true, isOlder(u))
				}
			case errors.Is(err, directory.ErrNotFound):
				err = nil
				if ch.member {
					err = w.regroup(ctx, ch.dn, &st)
				}
			}
		}
		if err != nil {
			return st, nil, err
		}
		st.Events += n
	}
	return st, cookie, nil
}
