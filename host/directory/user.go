package directory

import (
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// uacDisabled is ACCOUNTDISABLE in userAccountControl.
const uacDisabled = 0x2

// UAC values for new accounts: NORMAL_ACCOUNT, and the same disabled.
const (
	uacNormal         = 512
	uacNormalDisabled = uacNormal | uacDisabled
)

// ADUserAttributes are read for every AD user: the ones the host maps,
// matches on, or needs to follow changes.
var ADUserAttributes = []string{
	"objectGUID", "cn", "sAMAccountName", "userPrincipalName", "mail", "givenName", "sn",
	"displayName", "department", "title", "employeeID", "manager", "memberOf",
	"userAccountControl", "whenCreated", "whenChanged", "uSNCreated", "uSNChanged",
}

// LDAPUserAttributes are read for every user of a generic LDAP directory.
// The AD names among them exist where the directory has the adLikeUser
// schema; elsewhere the server leaves them out.
var LDAPUserAttributes = []string{
	"entryUUID", "cn", "uid", "mail", "givenName", "sn", "displayName", "title",
	"employeeNumber", "departmentNumber", "manager", "memberOf",
	"sAMAccountName", "userPrincipalName", "department", "employeeID", "userAccountControl",
	"createTimestamp", "modifyTimestamp", "entryCSN",
}

// User is a person in the directory. ID is stable across renames and moves
// (objectGUID on AD, entryUUID elsewhere); DN is where the user is now.
type User struct {
	ID         string
	DN         string
	Attributes map[string][]string
	enabled    bool
}

// Enabled reports whether the account may sign in: userAccountControl
// without ACCOUNTDISABLE on AD (and on LDAP directories that carry it), else
// the configured disabled marker, else true.
func (u User) Enabled() bool { return u.enabled }

// Values returns an attribute's values, matching the name without case.
func (u User) Values(name string) []string { return Entry{Attributes: u.Attributes}.Values(name) }

// Get returns an attribute's first value, or "".
func (u User) Get(name string) string { return Entry{Attributes: u.Attributes}.Get(name) }

// Groups are the DNs of the groups the user is a direct member of.
func (u User) Groups() []string { return u.Values("memberOf") }

// ParentDN is the DN of the OU or container holding the user.
func (u User) ParentDN() string { return ParentDN(u.DN) }

// ParentDN returns dn without its first RDN, or "" when dn is not a DN.
func ParentDN(dn string) string {
	d, err := ldap.ParseDN(dn)
	if err != nil || len(d.RDNs) < 2 {
		return ""
	}
	return (&ldap.DN{RDNs: d.RDNs[1:]}).String()
}

// UnderDN reports whether dn is base or below it (compared without case).
func UnderDN(dn, base string) bool {
	d, err1 := ldap.ParseDN(dn)
	b, err2 := ldap.ParseDN(base)
	if err1 != nil || err2 != nil {
		return false
	}
	return b.EqualFold(d) || b.AncestorOfFold(d)
}

// userAttributes is what the client reads for users.
func (c *Client) userAttributes(extra []string) []string {
	base := LDAPUserAttributes
	if c.flavor == FlavorAD {
		base = ADUserAttributes
	}
	out := slices.Clone(base)
	if c.cfg.DisabledAttribute != "" {
		extra = append(extra, c.cfg.DisabledAttribute)
	}
	for _, a := range extra {
		if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, a) }) {
			out = append(out, a)
		}
	}
	return out
}

// userFilter selects user objects of the client's flavor.
func (c *Client) userFilter() string {
	if c.flavor == FlavorAD {
		return "(&(objectCategory=person)(objectClass=user))"
	}
	return "(objectClass=inetOrgPerson)"
}

// groupFilter selects group objects of the client's flavor.
func (c *Client) groupFilter() string {
	if c.flavor == FlavorAD {
		return "(objectClass=group)"
	}
	return "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))"
}

// idAttribute is the attribute holding the stable ID.
// IDAttribute names the attribute that holds a user's stable ID:
// objectGUID on AD, entryUUID elsewhere.
func (c *Client) IDAttribute() string { return c.idAttribute() }

func (c *Client) idAttribute() string {
	if c.flavor == FlavorAD {
		return "objectGUID"
	}
	return "entryUUID"
}

// toUser turns an entry read with userAttributes into a User.
func (c *Client) toUser(e Entry) User {
	u := User{ID: e.Get(c.idAttribute()), DN: e.DN, Attributes: e.Attributes, enabled: true}
	if uac := e.Get("userAccountControl"); uac != "" {
		if n, err := strconv.ParseInt(uac, 10, 64); err == nil {
			u.enabled = n&uacDisabled == 0
		}
		return u
	}
	if c.cfg.DisabledAttribute != "" {
		for _, v := range e.Values(c.cfg.DisabledAttribute) {
			if c.cfg.DisabledValue == "" || strings.EqualFold(v, c.cfg.DisabledValue) {
				u.enabled = false
			}
		}
	}
	return u
}

// UserFilter is the filter that selects user objects in this directory, for
// callers that combine it with their own (escaped) conditions.
func (c *Client) UserFilter() string { return c.userFilter() }

// GroupFilter is the filter that selects group objects in this directory.
func (c *Client) GroupFilter() string { return c.groupFilter() }

// UserAttributes lists the attributes read for users, plus extra.
func (c *Client) UserAttributes(extra ...string) []string { return c.userAttributes(extra) }

// EntryToUser converts an entry read with UserAttributes into a User, for
// callers (such as the change watcher) that run their own searches.
func (c *Client) EntryToUser(e Entry) User { return c.toUser(e) }
