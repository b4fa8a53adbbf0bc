package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// ObjectKind is what SearchObjects found: a user, a group or an OU.
type ObjectKind string

// The kinds SearchObjects finds.
const (
	KindUser  ObjectKind = "user"
	KindGroup ObjectKind = "group"
	KindOU    ObjectKind = "ou"
)

// Found is one object SearchObjects found, with what a picker shows.
type Found struct {
	// Kind is user, group or ou.
	Kind ObjectKind `json:"kind"`
	// DN is the object's distinguished name; ID its objectGUID or
	// entryUUID.
	DN string `json:"dn"`
	ID string `json:"id,omitempty"`
	// Name is the display name, else the cn or ou.
	Name string `json:"name"`
	// Login is the logon name of a user (sAMAccountName, else uid); Mail
	// its address.
	Login string `json:"login,omitempty"`
	Mail  string `json:"mail,omitempty"`
}

// ErrAmbiguous means a reference matched more than one entry.
var ErrAmbiguous = errors.New("more than one entry matches")

// MaxSearchResults bounds what SearchObjects reads for one page: a picker
// narrows by typing more, not by paging through thousands.
const MaxSearchResults = 500

// errEnough stops a search once a page is full.
var errEnough = errors.New("enough results")

// SearchObjects finds the users, groups and OUs whose name, logon name or
// mail begins with text (a prefix, which directories answer from their
// indexes even at 100,000 users), skipping the first skip and returning at
// most limit; more reports whether others follow. Text is escaped, so
// "*)(cn=*" matches nothing instead of everything. Empty kinds means all
// three. See decision 0223.
func (c *Client) SearchObjects(ctx context.Context, text string, kinds []ObjectKind, skip, limit int) (found []Found, more bool, err error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, false, newError("search the directory", ErrRejected, "type part of a name, logon name or mail", errors.New("empty search"))
	}
	if limit <= 0 || skip < 0 || skip+limit > MaxSearchResults {
		return nil, false, newError("search the directory", ErrRejected,
			fmt.Sprintf("ask for at most %d results in all; type more of the name to narrow the search", MaxSearchResults), errors.New("page out of range"))
	}
	want := map[ObjectKind]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	all := len(want) == 0
	prefix := func(attr string) string { return "(" + attr + "=" + escapeText(text) + "*)" }
	var filters []string
	if all || want[KindUser] {
		filters = append(filters, And(c.userFilter(), Or(prefix("cn"), prefix("displayName"), prefix("givenName"), prefix("sn"),
			prefix("mail"), prefix(c.loginAttribute()), prefix("userPrincipalName"))))
	}
	if all || want[KindGroup] {
		filters = append(filters, And(c.groupFilter(), Or(prefix("cn"), prefix("mail"), prefix(c.loginAttribute()))))
	}
	if all || want[KindOU] {
		filters = append(filters, And("(objectClass=organizationalUnit)", prefix("ou")))
	}
	attrs := []string{"objectClass", "cn", "ou", "displayName", "mail", c.loginAttribute(), c.idAttribute()}
	seen := 0
	err = c.Search(ctx, Query{Filter: Or(filters...), Scope: ScopeSubtree, Attributes: attrs}, func(e Entry) error {
		seen++
		if seen <= skip {
			return nil
		}
		if len(found) == limit {
			more = true
			return errEnough
		}
		found = append(found, c.toFound(e))
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, false, err
	}
	return found, more, nil
}

// toFound names an entry for a picker.
func (c *Client) toFound(e Entry) Found {
	f := Found{DN: e.DN, ID: e.Get(c.idAttribute()), Mail: e.Get("mail"), Login: e.Get(c.loginAttribute())}
	f.Kind = KindUser
	for _, oc := range e.Values("objectClass") {
		switch strings.ToLower(oc) {
		case "organizationalunit":
			f.Kind = KindOU
		case "group", "groupofnames", "groupofuniquenames":
			f.Kind = KindGroup
		}
	}
	for _, n := range []string{"displayName", "cn", "ou"} {
		if v := e.Get(n); v != "" {
			f.Name = v
			break
		}
	}
	return f
}

// loginAttribute is the logon name: sAMAccountName on AD, uid elsewhere.
func (c *Client) loginAttribute() string {
	if c.flavor == FlavorAD {
		return "sAMAccountName"
	}
	return "uid"
}

// ResolveUser finds the one user an admin means by ref, whatever of the
// usual identifiers was typed: a DN, the stable id (objectGUID or
// entryUUID), the logon name (sAMAccountName or uid), a mail address or a
// userPrincipalName. Every place that takes a user calls it, so they all
// accept the same things. See decision 0223.
func (c *Client) ResolveUser(ctx context.Context, ref string) (User, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return User{}, newError("find user", ErrNotFound, "give a DN, a logon name, a mail address or an id", errors.New("no user given"))
	}
	if strings.Contains(ref, "=") {
		// The admin's words, not the server's result code.
		if _, err := ldap.ParseDN(ref); err != nil {
			return User{}, newError("find user", ErrNotFound, "that is not a valid DN; search for the person and pick them", errors.New("not a DN"))
		}
		u, err := c.GetUser(ctx, ref)
		if errors.Is(err, ErrNotFound) {
			return User{}, newError("find user", ErrNotFound, "no user has that DN; search for the person and pick them", errors.New(ref))
		}
		return u, err
	}
	if _, err := ParseGUID(ref); err == nil || (c.flavor != FlavorAD && len(ref) == 36 && strings.Count(ref, "-") == 4) {
		if u, err := c.UserByID(ctx, ref); err == nil || !errors.Is(err, ErrNotFound) {
			return u, err
		}
	}
	filter := Equal(c.loginAttribute(), ref)
	if strings.Contains(ref, "@") {
		filter = Or(Equal("mail", ref), Equal("userPrincipalName", ref), filter)
	}
	var users []User
	if err := c.Users(ctx, UserQuery{Filter: filter}, func(u User) error {
		users = append(users, u)
		return nil
	}); err != nil {
		return User{}, err
	}
	switch len(users) {
	case 0:
		return User{}, newError("find user "+ref, ErrNotFound,
			"no user has that logon name, mail or id; search for the person and pick them", fmt.Errorf("no user %q", ref))
	case 1:
		return users[0], nil
	}
	return User{}, newError("find user "+ref, ErrAmbiguous, "pick the person by their DN", fmt.Errorf("%d users match %q", len(users), ref))
}

// escapeText escapes a value for use inside a filter's assertion, as
// Equal does.
func escapeText(s string) string { return ldap.EscapeFilter(s) }
