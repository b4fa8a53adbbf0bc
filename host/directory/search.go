package directory

import (
	"context"
	"errors"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Scope is how deep a search goes below its base.
type Scope int

const (
	// ScopeSubtree searches the base and everything below it.
	ScopeSubtree Scope = iota
	// ScopeOneLevel searches the base's direct children.
	ScopeOneLevel
	// ScopeBase reads the base entry only.
	ScopeBase
)

func (s Scope) ldap() int {
	switch s {
	case ScopeOneLevel:
		return ldap.ScopeSingleLevel
	case ScopeBase:
		return ldap.ScopeBaseObject
	}
	return ldap.ScopeWholeSubtree
}

// showDeletedOID asks AD to include tombstones (deleted objects).
const showDeletedOID = "1.2.840.113556.1.4.417"

// Query is one paged search. Filter must have been built with Equal, And, Or
// (or otherwise escaped): it is sent as is.
type Query struct {
	Base       string // empty means the client's base DN
	Scope      Scope
	Filter     string // empty means (objectClass=*)
	Attributes []string
	// ShowDeleted includes AD tombstones; the change watcher uses it to see
	// deletions.
	ShowDeleted bool
}

// baseAndFilter returns the query's base DN and filter with their
// documented defaults: the client's base DN and (objectClass=*).
func (c *Client) baseAndFilter(q Query) (base, filter string) {
	base, filter = q.Base, q.Filter
	if base == "" {
		base = c.base
	}
	if filter == "" {
		filter = "(objectClass=*)"
	}
	return base, filter
}

// Entry is one search result. Attribute names are the ones asked for (in
// the caller's spelling); GUID attributes are in string form.
type Entry struct {
	DN         string
	Attributes map[string][]string
}

// Values returns the attribute's values; the name is matched without regard
// to case.
func (e Entry) Values(name string) []string {
	if v, ok := e.Attributes[name]; ok {
		return v
	}
	for k, v := range e.Attributes {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// Get returns the attribute's first value, or "".
func (e Entry) Get(name string) string {
	if v := e.Values(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// Search runs q page by page and calls fn for each entry as it arrives; at
// most one page is held in memory. An error from fn stops the search and is
// returned as is. A connection that breaks mid-search is reported as
// ErrUnavailable (the entries already delivered stay delivered).
func (c *Client) Search(ctx context.Context, q Query, fn func(Entry) error) error {
	base, filter := c.baseAndFilter(q)
	if _, err := ldap.CompileFilter(filter); err != nil {
		return newError("search "+base, ErrRejected, "build filters with directory.Equal/And/Or", err)
	}
	paging := ldap.NewControlPaging(c.cfg.pageSize())
	controls := []ldap.Control{paging}
	if q.ShowDeleted {
		controls = append(controls, ldap.NewControlString(showDeletedOID, true, ""))
	}
	req := ldap.NewSearchRequest(base, q.Scope.ldap(), ldap.NeverDerefAliases, 0, 0, false, filter, q.Attributes, controls)
	canon := canonicalNames(q.Attributes)
	op := "search " + base + " " + filter

	delivered := false
	for attempt := 0; ; attempt++ {
		var fnErr error
		// Every page runs on the one connection the search holds: the
		// server's paging state lives on it. See decision 0210.
		err := c.do(ctx, op, false, func(conn *ldap.Conn) error {
			paging.SetCookie(nil)
			for {
				var cookie []byte
				pctx, cancel := context.WithCancel(ctx)
				res := conn.SearchAsync(pctx, req, 64)
				for res.Next() {
					if e := res.Entry(); e != nil {
						delivered = true
						if fnErr = fn(toEntry(e, canon)); fnErr != nil {
							break
						}
					}
				}
				if ctl := ldap.FindControl(res.Controls(), ldap.ControlTypePaging); ctl != nil {
					if p, ok := ctl.(*ldap.ControlPaging); ok {
						cookie = p.Cookie
					}
				}
				cancel()
				if fnErr != nil {
					abandon(conn, req, paging, cookie)
					return nil
				}
				if err := res.Err(); err != nil {
					return err
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if len(cookie) == 0 && conn.IsClosing() {
					// go-ldap can end a search on a dropped connection
					// without an error; an end without a cookie then says
					// nothing about whether the results are complete.
					return ldap.NewError(ldap.ErrorNetwork, errors.New("the connection closed before the search ended"))
				}
				if len(cookie) == 0 {
					return nil
				}
				paging.SetCookie(cookie)
			}
		})
		if fnErr != nil {
			return fnErr
		}
		if err == nil {
			return nil
		}
		var de *Error
		if errors.As(err, &de) && de.Kind == ErrUnavailable {
			// A search may start again on a fresh connection only when
			// nothing was delivered: the caller cannot take entries twice.
			if !delivered && attempt == 0 {
				c.log.Debug("directory search failed on a broken connection; retrying once", "op", op)
				continue
			}
			if delivered {
				return newError(op, ErrUnavailable,
					"the directory went away in the middle of the search; the results are incomplete, run it again when the server is back", de.Err)
			}
		}
		return err
	}
}

// abandon tells the server to drop a paged search we stopped early, so it
// does not keep the result set around.
func abandon(conn *ldap.Conn, req *ldap.SearchRequest, paging *ldap.ControlPaging, cookie []byte) {
	if len(cookie) == 0 {
		return
	}
	paging.PagingSize = 0
	paging.SetCookie(cookie)
	_, _ = conn.Search(req)
}

// canonicalNames maps lower-cased attribute names to the caller's spelling.
func canonicalNames(attrs []string) map[string]string {
	m := make(map[string]string, len(attrs))
	for _, a := range attrs {
		m[strings.ToLower(a)] = a
	}
	return m
}

func toEntry(e *ldap.Entry, canon map[string]string) Entry {
	out := Entry{DN: e.DN, Attributes: make(map[string][]string, len(e.Attributes))}
	for _, a := range e.Attributes {
		lower := strings.ToLower(a.Name)
		name := a.Name
		if c, ok := canon[lower]; ok {
			name = c
		}
		if binaryGUIDAttributes[lower] {
			vals := make([]string, len(a.ByteValues))
			for i, b := range a.ByteValues {
				vals[i] = FormatGUID(b)
			}
			out.Attributes[name] = vals
			continue
		}
		out.Attributes[name] = a.Values
	}
	return out
}
