package directory

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
)

// ChangeOp is the kind of one attribute modification.
type ChangeOp int

const (
	// OpReplace sets the attribute to exactly Values (none removes it).
	OpReplace ChangeOp = iota
	// OpAdd adds Values to the attribute.
	OpAdd
	// OpDelete removes Values (or the whole attribute when Values is empty).
	OpDelete
)

// Change is one attribute modification.
type Change struct {
	Op        ChangeOp
	Attribute string
	Values    []string
}

// Replace sets attr to values.
func Replace(attr string, values ...string) Change {
	return Change{Op: OpReplace, Attribute: attr, Values: values}
}

// Modify applies changes to the entry at dn in one request, so either all
// of them happen or none.
func (c *Client) Modify(ctx context.Context, dn string, changes ...Change) error {
	op := "modify " + dn
	if len(changes) == 0 {
		return nil
	}
	req := ldap.NewModifyRequest(dn, nil)
	for _, ch := range changes {
		if err := checkAttr(op, ch.Attribute); err != nil {
			return err
		}
		switch ch.Op {
		case OpAdd:
			req.Add(ch.Attribute, ch.Values)
		case OpDelete:
			req.Delete(ch.Attribute, ch.Values)
		default:
			req.Replace(ch.Attribute, ch.Values)
		}
	}
	// A modify is idempotent, so it is retried once on a fresh connection.
	return c.do(ctx, op, true, func(conn *ldap.Conn) error { return conn.Modify(req) })
}

// NewUser describes a user to create.
type NewUser struct {
	ParentDN string // the OU to create the user in
	CN       string // the RDN value, e.g. "Alice Smith"
	// Attributes such as sAMAccountName, userPrincipalName, mail, givenName.
	Attributes map[string][]string
	Enabled    bool
	// Password is set at creation when not empty. AD requires an encrypted
	// connection for it.
	Password string
}

// CreateUser adds a user and reads it back (with its new ID). On AD it is a
// user object with userAccountControl 512 or 514; on other directories an
// inetOrgPerson, with the adLikeUser class when the schema has it so that
// the AD attribute names and the enabled flag can be stored.
func (c *Client) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	dn := "CN=" + ldap.EscapeDN(nu.CN) + "," + nu.ParentDN
	op := "create user " + dn
	if nu.CN == "" || nu.ParentDN == "" {
		return User{}, newError(op, ErrRejected, "give the user a CN and a parent OU", errors.New("missing CN or parent DN"))
	}
	req := ldap.NewAddRequest(dn, nil)
	uac := uacNormalDisabled
	if nu.Enabled {
		uac = uacNormal
	}
	attrs := map[string][]string{}
	for k, v := range nu.Attributes {
		if err := checkAttr(op, k); err != nil {
			return User{}, err
		}
		attrs[k] = v
	}
	if c.flavor == FlavorAD {
		attrs["objectClass"] = []string{"top", "person", "organizationalPerson", "user"}
		attrs["userAccountControl"] = []string{strconv.Itoa(uac)}
		if nu.Password != "" {
			attrs["unicodePwd"] = []string{adPassword(nu.Password)}
		}
	} else {
		classes := []string{"top", "person", "organizationalPerson", "inetOrgPerson"}
		adLike, err := c.ObjectClassExists(ctx, "adLikeUser")
		if err != nil {
			return User{}, err
		}
		if adLike {
			classes = append(classes, "adLikeUser")
			attrs["userAccountControl"] = []string{strconv.Itoa(uac)}
		} else if !nu.Enabled && c.cfg.DisabledAttribute == "" {
			return User{}, newError(op, ErrUnsupported,
				"set DisabledAttribute/DisabledValue for this directory, or add the adLikeUser schema", errors.New("no way to store a disabled flag"))
		} else if !nu.Enabled {
			attrs[c.cfg.DisabledAttribute] = []string{c.cfg.DisabledValue}
		}
		attrs["objectClass"] = classes
		if len(attrs["sn"]) == 0 { // person requires sn
			attrs["sn"] = []string{nu.CN}
		}
		if nu.Password != "" {
			attrs["userPassword"] = []string{nu.Password}
		}
	}
	attrs["cn"] = []string{nu.CN}
	for k, v := range attrs {
		req.Attribute(k, v)
	}
	// An add is not retried: if the first attempt reached the server, a
	// second would fail with "already exists" and hide what happened.
	if err := c.do(ctx, op, false, func(conn *ldap.Conn) error { return conn.Add(req) }); err != nil {
		return User{}, err
	}
	return c.GetUser(ctx, dn)
}

// adPassword encodes a password for unicodePwd: the quoted password in
// UTF-16LE.
func adPassword(p string) string {
	u := utf16.Encode([]rune(`"` + p + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}

// SetPassword resets a user's password as an administrator.
func (c *Client) SetPassword(ctx context.Context, dn, password string) error {
	op := "set password of " + dn
	if c.flavor == FlavorAD {
		return c.Modify(ctx, dn, Replace("unicodePwd", adPassword(password)))
	}
	return c.do(ctx, op, true, func(conn *ldap.Conn) error {
		_, err := conn.PasswordModify(ldap.NewPasswordModifyRequest(dn, "", password))
		return err
	})
}

// Disable disables the user's account.
func (c *Client) Disable(ctx context.Context, dn string) error { return c.SetEnabled(ctx, dn, false) }

// Enable re-enables the user's account.
func (c *Client) Enable(ctx context.Context, dn string) error { return c.SetEnabled(ctx, dn, true) }

// SetEnabled flips ACCOUNTDISABLE in userAccountControl, keeping every other
// bit (read, modify, write). On LDAP directories without userAccountControl
// it writes the configured DisabledAttribute instead.
func (c *Client) SetEnabled(ctx context.Context, dn string, enabled bool) error {
	op := fmt.Sprintf("set enabled=%t on %s", enabled, dn)
	var e Entry
	found := false
	err := c.Search(ctx, Query{Base: dn, Scope: ScopeBase, Attributes: []string{"userAccountControl", "objectClass"}},
		func(x Entry) error { e, found = x, true; return nil })
	if err != nil {
		return err
	}
	if !found {
		return newError(op, ErrNotFound, "check the DN", errors.New("no such entry"))
	}
	uacText := e.Get("userAccountControl")
	if c.flavor != FlavorAD && uacText == "" {
		if c.cfg.DisabledAttribute != "" {
			if enabled {
				return c.Modify(ctx, dn, Change{Op: OpReplace, Attribute: c.cfg.DisabledAttribute})
			}
			return c.Modify(ctx, dn, Replace(c.cfg.DisabledAttribute, c.cfg.DisabledValue))
		}
		adLike, err := c.ObjectClassExists(ctx, "adLikeUser")
		if err != nil {
			return err
		}
		if !adLike {
			return newError(op, ErrUnsupported,
				"set DisabledAttribute/DisabledValue for this directory, or add the adLikeUser schema", errors.New("no way to store a disabled flag"))
		}
		uac := uacNormal
		if !enabled {
			uac = uacNormalDisabled
		}
		changes := []Change{Replace("userAccountControl", strconv.Itoa(uac))}
		if !containsFold(e.Values("objectClass"), "adLikeUser") {
			changes = append([]Change{{Op: OpAdd, Attribute: "objectClass", Values: []string{"adLikeUser"}}}, changes...)
		}
		return c.Modify(ctx, dn, changes...)
	}
	uac, err := strconv.ParseInt(uacText, 10, 64)
	if err != nil {
		return newError(op, ErrUnsupported, "the entry is not a user account", fmt.Errorf("userAccountControl %q", uacText))
	}
	next := uac &^ uacDisabled
	if !enabled {
		next = uac | uacDisabled
	}
	if next == uac {
		return nil
	}
	// Delete the old value and add the new one in one request: if someone
	// else changed the flags since the read, the delete fails instead of
	// silently overwriting their change.
	return c.Modify(ctx, dn,
		Change{Op: OpDelete, Attribute: "userAccountControl", Values: []string{uacText}},
		Change{Op: OpAdd, Attribute: "userAccountControl", Values: []string{strconv.FormatInt(next, 10)}})
}

// Move moves the entry at dn into newParentDN, keeping its RDN, and returns
// the new DN. The stable ID does not change.
func (c *Client) Move(ctx context.Context, dn, newParentDN string) (string, error) {
	op := "move " + dn + " to " + newParentDN
	d, err := ldap.ParseDN(dn)
	if err != nil || len(d.RDNs) == 0 {
		return "", newError(op, ErrRejected, "pass a full DN", fmt.Errorf("%q is not a DN", dn))
	}
	rdn := (&ldap.DN{RDNs: d.RDNs[:1]}).String()
	req := ldap.NewModifyDNRequest(dn, rdn, true, newParentDN)
	if err := c.do(ctx, op, false, func(conn *ldap.Conn) error { return conn.ModifyDN(req) }); err != nil {
		return "", err
	}
	return rdn + "," + newParentDN, nil
}

// AddToGroup makes memberDN a member of groupDN. Adding an existing member
// succeeds, so a retried step does no harm.
func (c *Client) AddToGroup(ctx context.Context, groupDN, memberDN string) error {
	err := c.Modify(ctx, groupDN, Change{Op: OpAdd, Attribute: "member", Values: []string{memberDN}})
	if isResult(err, ldap.LDAPResultAttributeOrValueExists, ldap.LDAPResultEntryAlreadyExists) {
		return nil
	}
	return err
}

// RemoveFromGroup removes memberDN from groupDN. Removing a non-member
// succeeds, so a retried step does no harm.
func (c *Client) RemoveFromGroup(ctx context.Context, groupDN, memberDN string) error {
	err := c.Modify(ctx, groupDN, Change{Op: OpDelete, Attribute: "member", Values: []string{memberDN}})
	if isResult(err, ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultUnwillingToPerform) {
		// AD answers 53 for a value that is not there.
		return nil
	}
	return err
}

// CreateGroup adds a group under parentDN and returns its DN. On AD it is a
// global security group. groupOfNames needs a member, so on other
// directories an empty group gets the bind DN as a placeholder.
func (c *Client) CreateGroup(ctx context.Context, parentDN, name string, members ...string) (string, error) {
	dn := "CN=" + ldap.EscapeDN(name) + "," + parentDN
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("cn", []string{name})
	if c.flavor == FlavorAD {
		req.Attribute("objectClass", []string{"top", "group"})
		req.Attribute("sAMAccountName", []string{name})
		req.Attribute("groupType", []string{"-2147483646"})
		if len(members) > 0 {
			req.Attribute("member", members)
		}
	} else {
		req.Attribute("objectClass", []string{"top", "groupOfNames"})
		if len(members) == 0 {
			members = []string{c.cfg.BindDN}
		}
		req.Attribute("member", members)
	}
	err := c.do(ctx, "create group "+dn, false, func(conn *ldap.Conn) error { return conn.Add(req) })
	return dn, err
}

// CreateOU adds an organizational unit under parentDN and returns its DN.
func (c *Client) CreateOU(ctx context.Context, parentDN, name string) (string, error) {
	dn := "OU=" + ldap.EscapeDN(name) + "," + parentDN
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "organizationalUnit"})
	req.Attribute("ou", []string{name})
	err := c.do(ctx, "create OU "+dn, false, func(conn *ldap.Conn) error { return conn.Add(req) })
	return dn, err
}

// treeDeleteOID deletes an AD entry with everything below it.
const treeDeleteOID = "1.2.840.113556.1.4.805"

// Delete removes the entry at dn. With tree set, everything below it goes
// too (AD's tree delete control, or children first elsewhere).
func (c *Client) Delete(ctx context.Context, dn string, tree bool) error {
	op := "delete " + dn
	if tree && c.flavor != FlavorAD {
		var children []string
		err := c.Search(ctx, Query{Base: dn, Scope: ScopeOneLevel, Attributes: []string{"1.1"}},
			func(e Entry) error { children = append(children, e.DN); return nil })
		if err != nil {
			return err
		}
		for _, ch := range children {
			if err := c.Delete(ctx, ch, true); err != nil {
				return err
			}
		}
	}
	var controls []ldap.Control
	if tree && c.flavor == FlavorAD {
		controls = append(controls, ldap.NewControlString(treeDeleteOID, true, ""))
	}
	req := ldap.NewDelRequest(dn, controls)
	return c.do(ctx, op, false, func(conn *ldap.Conn) error { return conn.Del(req) })
}

func isResult(err error, codes ...uint16) bool {
	var le *ldap.Error
	return err != nil && errors.As(err, &le) && ldap.IsErrorAnyOf(le, codes...)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
