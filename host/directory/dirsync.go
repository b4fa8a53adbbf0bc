package directory

import (
	"context"
	"errors"

	"github.com/go-ldap/ldap/v3"
)

// DirSync streams the objects changed since cookie (all objects when cookie
// is empty) and returns the cookie to pass next time. It uses AD's DirSync
// control, which needs the "Replicating Directory Changes" right and the
// naming context root as base. Entries carry only the changed attributes
// plus objectGUID; deleted objects come back as tombstones with isDeleted.
func (c *Client) DirSync(ctx context.Context, q Query, cookie []byte, fn func(Entry) error) ([]byte, error) {
	if c.flavor != FlavorAD {
		return nil, newError("DirSync", ErrUnsupported, "use the uSNChanged or timestamp watcher on this directory", errors.New("DirSync is an Active Directory control"))
	}
	base, filter := c.baseAndFilter(q)
	op := "DirSync " + base
	canon := canonicalNames(q.Attributes)
	for {
		more := false
		var next []byte
		var fnErr error
		err := c.do(ctx, op, false, func(conn *ldap.Conn) error {
			pctx, cancel := context.WithCancel(ctx)
			defer cancel()
			req := ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, q.Attributes, nil)
			res := conn.DirSyncAsync(pctx, req, 64, 0, 0, cookie)
			for res.Next() {
				if e := res.Entry(); e != nil {
					if fnErr = fn(toEntry(e, canon)); fnErr != nil {
						return nil
					}
				}
				if ctl := ldap.FindControl(res.Controls(), ldap.ControlTypeDirSync); ctl != nil {
					if d, ok := ctl.(*ldap.ControlDirSync); ok {
						next, more = d.Cookie, d.Flags != 0
					}
				}
			}
			if err := res.Err(); err != nil {
				return err
			}
			return ctx.Err()
		})
		if fnErr != nil {
			return nil, fnErr
		}
		if err != nil {
			return nil, err
		}
		if len(next) == 0 {
			return nil, newError(op, ErrUnsupported, "grant the bind account Replicating Directory Changes, or use the uSNChanged watcher", errors.New("the server returned no DirSync cookie"))
		}
		cookie = next
		// Windows DCs page DirSync and set a flag while more data waits.
		if !more {
			return cookie, nil
		}
	}
}
