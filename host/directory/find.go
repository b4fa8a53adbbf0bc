package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// UserQuery narrows a user search. Filter is combined with the user class
// filter and must be escaped (build it with Equal, And, Or).
type UserQuery struct {
	Base   string // empty means the client's base DN
	Scope  Scope
	Filter string
	// Extra attributes to read besides the default ones.
	Extra []string
}

// Users streams every user matching q to fn, page by page. A user in more
// groups than AD hands out at once (memberOf in ranges) is read to the end
// before fn sees it. See decision 0214.
func (c *Client) Users(ctx context.Context, q UserQuery, fn func(User) error) error {
	return c.Search(ctx, c.usersQuery(q), c.completeUser(ctx, fn))
}

// usersQuery is the search for the users of q.
func (c *Client) usersQuery(q UserQuery) Query {
	attrs := c.userAttributes(q.Extra)
	if c.rangeStep > 0 {
		for i, a := range attrs {
			if strings.EqualFold(a, "memberOf") {
				attrs[i] = rangeAttribute("memberOf", 0, c.rangeStep)
			}
		}
	}
	return Query{Base: q.Base, Scope: q.Scope, Filter: And(c.userFilter(), q.Filter), Attributes: attrs}
}

// completeUser reads a ranged memberOf to the end, then hands the user on.
func (c *Client) completeUser(ctx context.Context, fn func(User) error) func(Entry) error {
	return func(e Entry) error {
		if err := c.completeRanged(ctx, &e, "memberOf"); err != nil {
			return err
		}
		return fn(c.toUser(e))
	}
}

// ScanUsers is Users over Scan: for reading every user of a base (the
// change watcher's snapshot), decoding entries straight from the wire.
// Ranged memberOf is read to the end as in Users.
func (c *Client) ScanUsers(ctx context.Context, q UserQuery, fn func(User) error) error {
	return c.Scan(ctx, c.usersQuery(q), c.completeUser(ctx, fn))
}

// FindUsers returns the users whose attr equals value. The value is escaped,
// so input such as "*)(objectClass=*" matches nothing instead of everything.
func (c *Client) FindUsers(ctx context.Context, attr, value string) ([]User, error) {
	if err := checkAttr("find users", attr); err != nil {
		return nil, err
	}
	var out []User
	err := c.Users(ctx, UserQuery{Filter: Equal(attr, value)}, func(u User) error {
		out = append(out, u)
		return nil
	})
	return out, err
}

// GetUser reads the user at dn, or returns ErrNotFound.
func (c *Client) GetUser(ctx context.Context, dn string) (User, error) {
	var u User
	found := false
	err := c.Search(ctx, Query{Base: dn, Scope: ScopeBase, Filter: c.userFilter(), Attributes: c.userAttributes(nil)},
		func(e Entry) error {
			if err := c.completeRanged(ctx, &e, "memberOf"); err != nil {
				return err
			}
			u, found = c.toUser(e), true
			return nil
		})
	if err != nil {
		return User{}, err
	}
	if !found {
		return User{}, newError("get user "+dn, ErrNotFound, "check the DN; the entry is not a user", errors.New("no user at that DN"))
	}
	return u, nil
}

// UserByID finds a user by the stable ID (objectGUID or entryUUID) anywhere
// under the base DN, wherever it has been moved.
func (c *Client) UserByID(ctx context.Context, id string) (User, error) {
	filter, err := IDFilter(c.flavor, id)
	if err != nil {
		return User{}, newError("find user by ID", ErrNotFound, "pass the objectGUID in string form", err)
	}
	var u User
	found := false
	err = c.Users(ctx, UserQuery{Filter: filter}, func(x User) error {
		u, found = x, true
		return nil
	})
	if err != nil {
		return User{}, err
	}
	if !found {
		return User{}, newError("find user "+id, ErrNotFound, "the user was deleted or is outside the base DN", fmt.Errorf("no user with ID %s", id))
	}
	return u, nil
}

// Group is a group and its direct members' DNs.
type Group struct {
	ID      string
	DN      string
	Name    string
	Members []string
}

// Groups streams the groups under base (empty means the client's base DN)
// with all their direct members. A group whose members AD hands out in
// ranges (more than 1500 by default; see ranged.go) is read to the end
// after the search and streamed then, so such groups come last.
func (c *Client) Groups(ctx context.Context, base string, fn func(Group) error) error {
	attrs := []string{c.idAttribute(), "cn", rangeAttribute("member", 0, c.rangeStep)}
	type partial struct {
		g    Group
		next int
	}
	var large []partial
	err := c.Search(ctx, Query{Base: base, Filter: c.groupFilter(), Attributes: attrs}, func(e Entry) error {
		members, next, more, err := rangedPart(e, "member")
		if err != nil {
			return newError("list groups", ErrRejected, "report the directory's answer; it is not a range this client can follow", err)
		}
		g := Group{ID: e.Get(c.idAttribute()), DN: e.DN, Name: e.Get("cn"), Members: members}
		if more {
			large = append(large, partial{g, next})
			return nil
		}
		return fn(g)
	})
	if err != nil {
		return err
	}
	for _, p := range large {
		members, err := c.restOfRange(ctx, p.g.DN, "member", p.next, p.g.Members)
		if err != nil {
			return err
		}
		p.g.Members = members
		if err := fn(p.g); err != nil {
			return err
		}
	}
	return nil
}
