package demodir

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/google/uuid"
)

// Modify operations, numbered as in RFC 4511.
const (
	modAdd       = 0
	modDelete    = 1
	modReplace   = 2
	modIncrement = 3
)

// change is one item of a modify request.
type change struct {
	op   int
	attr string
	vals []string
}

// add creates an entry after AD's checks. Attribute names may be in any
// case; values of DN-valued attributes are stored in their target's spelling.
func (d *directory) add(dnText string, in map[string][]string, o addOptions) error {
	if !o.internal {
		d.mu.Lock()
		defer d.mu.Unlock()
	}
	dn, err := parseDN(dnText)
	if err != nil || len(dn.parsed.RDNs) == 0 {
		return resultErr(34, "%q is not a valid DN; write it as CN=Name,OU=Unit,%s", dnText, d.base.text)
	}
	if _, ok := d.entries[dn.key]; ok {
		return resultErr(68, "%s already exists; pick another CN or delete the old object first", dn.text)
	}
	if dn.key != d.base.key || !o.internal {
		if _, ok := d.entries[dn.parent().key]; !ok || (!o.internal && d.live(dn.parent().key) == nil) {
			return &ResultError{Code: 32, Message: "the parent " + dn.parent().text + " does not exist; create it first"}
		}
	}
	e := &entry{dn: dn, attrs: make(map[string][]string, len(in)+12), password: o.password, writer: o.writer}
	for name, vals := range in {
		at := lookupAttr(name)
		if at == nil {
			return undefinedAttr(name)
		}
		if at.system && !o.internal {
			return systemOnly(at)
		}
		if at.name == "unicodePwd" {
			pw, err := decodeUnicodePwd(vals)
			if err != nil {
				return err
			}
			e.password = pw
			continue
		}
		if len(vals) == 0 {
			continue
		}
		if at.single && len(vals) > 1 {
			return resultErr(19, "%s takes a single value, got %d", at.name, len(vals))
		}
		clean, err := d.checkValues(at, vals)
		if err != nil {
			return err
		}
		e.attrs[strings.ToLower(at.name)] = clean
	}
	if len(e.attrs["objectclass"]) == 0 {
		return resultErr(65, "%s has no objectClass; add objectClass (e.g. top, person, organizationalPerson, user)", dn.text)
	}
	rdnType, rdnValue := dn.rdn()
	rdnKey := strings.ToLower(rdnType)
	if have := e.attrs[rdnKey]; len(have) > 0 && !strings.EqualFold(have[0], rdnValue) {
		return resultErr(64, "%s is %q but the DN says %q; leave it out or make them equal", rdnType, have[0], rdnValue)
	}
	if lookupAttr(rdnKey) != nil {
		e.attrs[rdnKey] = []string{rdnValue}
	}
	e.attrs["name"] = []string{rdnValue}
	e.attrs["distinguishedname"] = []string{dn.text}
	if err := d.checkUnique(e, nil); err != nil {
		return err
	}

	guid := o.guid
	if guid == nil {
		guid = guidBytes(uuid.New())
	}
	e.attrs["objectguid"] = []string{string(guid)}
	e.attrs["instancetype"] = []string{"4"}
	switch {
	case e.hasClass("user") || e.hasClass("computer"):
		e.attrs["objectsid"] = []string{d.nextSID()}
		e.attrs["objectcategory"] = []string{"CN=Person,CN=Schema," + "CN=Configuration," + d.base.text}
		if len(e.attrs["useraccountcontrol"]) == 0 {
			e.attrs["useraccountcontrol"] = []string{strconv.Itoa(uacNewUserDefault)}
		}
		if len(e.attrs["accountexpires"]) == 0 {
			e.attrs["accountexpires"] = []string{"9223372036854775807"}
		}
		if len(e.attrs["pwdlastset"]) == 0 {
			e.attrs["pwdlastset"] = []string{"0"}
		}
	case e.hasClass("group"):
		e.attrs["objectsid"] = []string{d.nextSID()}
		e.attrs["objectcategory"] = []string{"CN=Group,CN=Schema,CN=Configuration," + d.base.text}
		if len(e.attrs["grouptype"]) == 0 {
			e.attrs["grouptype"] = []string{strconv.Itoa(groupTypeGlobalSecurity)}
		}
	case e.hasClass("organizationalUnit"):
		e.attrs["objectcategory"] = []string{"CN=Organizational-Unit,CN=Schema,CN=Configuration," + d.base.text}
	}
	d.stamp(e)
	e.attrs["usncreated"] = e.attrs["usnchanged"]
	e.attrs["whencreated"] = e.attrs["whenchanged"]
	e.created = d.usn
	d.entries[dn.key] = e
	d.index(e, true)
	d.linkMembers(e, nil, e.attrs["member"])
	return nil
}

// checkValues validates values against their syntax and, for DN-valued
// attributes, resolves them to existing objects (AD stores links, not text).
func (d *directory) checkValues(at *attrType, vals []string) ([]string, error) {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		switch at.syntax {
		case synInt:
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return nil, resultErr(21, "%s must be a whole number, got %q", at.name, v)
			}
		case synBool:
			if v != "TRUE" && v != "FALSE" {
				return nil, resultErr(21, "%s must be TRUE or FALSE, got %q", at.name, v)
			}
		case synDN:
			dn, err := parseDN(v)
			if err != nil {
				return nil, resultErr(34, "%s value %q is not a valid DN", at.name, v)
			}
			target := d.live(dn.key)
			ok := target != nil
			if !ok && at.name != "objectCategory" {
				return nil, &ResultError{Code: 32, Message: at.name + " refers to " + v + ", which does not exist; create it first or fix the DN"}
			}
			if ok {
				v = target.dn.text
			}
		}
		if indexOfValue(at, out, v) >= 0 {
			return nil, resultErr(20, "%s lists %q twice", at.name, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// checkUnique enforces what AD keeps unique in a domain: sAMAccountName
// and userPrincipalName. AD answers a clash with entryAlreadyExists.
func (d *directory) checkUnique(e *entry, old *entry) error {
	for _, key := range uniqueKeys {
		v := e.first(key)
		if v == "" || (old != nil && strings.EqualFold(old.first(key), v)) {
			continue
		}
		if other := d.findBy(key, v); other != nil && other.dn.key != e.dn.key {
			return resultErr(68, "%s %q is already used by %s; choose another", lookupAttr(key).name, v, other.dn.text)
		}
	}
	return nil
}

// linkMembers keeps memberOf, AD's back link, in step with a group's
// member list. Back links are not replicated writes on AD, so the members'
// uSNChanged does not move; the group's own does.
func (d *directory) linkMembers(group *entry, before, after []string) {
	had := make(map[string]bool, len(before))
	for _, v := range before {
		had[strings.ToLower(v)] = true
	}
	has := make(map[string]bool, len(after))
	for _, v := range after {
		has[strings.ToLower(v)] = true
	}
	for k := range had {
		if !has[k] {
			if m := d.entries[k]; m != nil {
				m.attrs["memberof"] = removeDN(m.attrs["memberof"], group.dn.key)
				if len(m.attrs["memberof"]) == 0 {
					delete(m.attrs, "memberof")
				}
			}
		}
	}
	for k := range has {
		if !had[k] {
			if m := d.entries[k]; m != nil {
				m.attrs["memberof"] = append(m.attrs["memberof"], group.dn.text)
			}
		}
	}
}

func removeDN(vals []string, key string) []string {
	out := vals[:0:0]
	for _, v := range vals {
		if strings.ToLower(v) != key {
			out = append(out, v)
		}
	}
	return out
}

// existing parses the DN of a write's target and finds its live entry,
// answering as AD does when it cannot: 34 for a DN that does not parse,
// 32 for an object that is not there, with hint saying where to look.
func (d *directory) existing(dnText, hint string) (dname, *entry, error) {
	dn, err := parseDN(dnText)
	if err != nil {
		return dname{}, nil, resultErr(34, "%q is not a valid DN", dnText)
	}
	e := d.live(dn.key)
	if e == nil {
		return dname{}, nil, &ResultError{Code: 32, Message: dn.text + " does not exist" + hint}
	}
	return dn, e, nil
}

// modify applies all changes or none, with AD's result codes.
func (d *directory) modify(dnText string, changes []change) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	dn, old, err := d.existing(dnText, "; search for the object's current DN (it may have moved)")
	if err != nil {
		return err
	}
	e := old.clone()
	rdnType, _ := dn.rdn()
	for _, c := range changes {
		at := lookupAttr(c.attr)
		if at == nil {
			return undefinedAttr(c.attr)
		}
		key := strings.ToLower(at.name)
		switch {
		case at.system:
			return systemOnly(at)
		case key == strings.ToLower(rdnType) || key == "name":
			return resultErr(67, "%s is part of the DN; rename the object with a ModifyDN request instead", at.name)
		case key == "objectclass":
			return resultErr(69, "objectClass cannot be changed on an existing object; create a new one")
		case at.secret:
			if c.op == modDelete {
				continue // the old password half of a user's own change
			}
			pw, err := decodeUnicodePwd(c.vals)
			if err != nil {
				return err
			}
			e.password = pw
			e.attrs["pwdlastset"] = []string{strconv.FormatInt(fileTime(d.now()), 10)}
			continue
		}
		if err := d.applyChange(e, at, key, c); err != nil {
			return err
		}
	}
	if err := d.checkUnique(e, old); err != nil {
		return err
	}
	d.stamp(e)
	d.index(old, false)
	d.entries[dn.key] = e
	d.index(e, true)
	d.linkMembers(e, old.attrs["member"], e.attrs["member"])
	return nil
}

// applyChange performs one modification on a copy of the entry.
func (d *directory) applyChange(e *entry, at *attrType, key string, c change) error {
	have := e.attrs[key]
	switch c.op {
	case modAdd:
		vals, err := d.checkValues(at, c.vals)
		if err != nil {
			return err
		}
		for _, v := range vals {
			if indexOfValue(at, have, v) >= 0 {
				return resultErr(20, "%s already has the value %q; nothing to add", at.name, v)
			}
			have = append(have, v)
		}
	case modDelete:
		if len(c.vals) == 0 {
			if len(have) == 0 {
				return resultErr(16, "%s has no value to delete", at.name)
			}
			have = nil
			break
		}
		for _, v := range c.vals {
			i := indexOfValue(at, have, v)
			if i < 0 {
				return resultErr(16, "%s does not have the value %q; read the object again before deleting", at.name, v)
			}
			have = append(have[:i:i], have[i+1:]...)
		}
	case modReplace:
		vals, err := d.checkValues(at, c.vals)
		if err != nil {
			return err
		}
		have = vals
	case modIncrement:
		if at.syntax != synInt || len(have) != 1 || len(c.vals) != 1 {
			return resultErr(18, "increment needs a number-valued attribute with one value")
		}
		a, _ := strconv.ParseInt(have[0], 10, 64)
		b, err := strconv.ParseInt(c.vals[0], 10, 64)
		if err != nil {
			return resultErr(21, "increment by %q: not a number", c.vals[0])
		}
		have = []string{strconv.FormatInt(a+b, 10)}
	default:
		return resultErr(2, "unknown modify operation %d", c.op)
	}
	if at.single && len(have) > 1 {
		return resultErr(19, "%s takes a single value; use replace instead of add", at.name)
	}
	if len(have) == 0 {
		delete(e.attrs, key)
	} else {
		e.attrs[key] = have
	}
	return nil
}

// remove deletes a leaf entry the way AD does: it becomes a tombstone in
// CN=Deleted Objects that keeps its objectGUID and takes a new USN, so a
// delta reader with the show-deleted control sees the deletion. Links to
// it disappear.
//
// With tree set (AD's tree-delete control) everything below goes too,
// deepest first; critical system objects below stop the whole delete.
func (d *directory) remove(dnText string, tree bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	dn, e, err := d.existing(dnText, "")
	if err != nil {
		return err
	}
	var below []*entry
	for k, x := range d.entries {
		if k != dn.key && strings.HasSuffix(k, ","+dn.key) && !isDeleted(x) {
			if !tree {
				return resultErr(66, "%s still has child objects; delete or move them first, or send the tree-delete control", dn.text)
			}
			below = append(below, x)
		}
	}
	for _, x := range append(below, e) {
		if x.dn.key == d.base.key || x.first("iscriticalsystemobject") == "TRUE" {
			return resultErr(53, "%s is a critical system object and cannot be deleted", x.dn.text)
		}
	}
	sort.Slice(below, func(i, j int) bool { return len(below[i].dn.parsed.RDNs) > len(below[j].dn.parsed.RDNs) })
	for _, x := range append(below, e) {
		if err := d.tombstone(x); err != nil {
			return err
		}
	}
	return nil
}

// tombstone turns one live entry into a tombstone; the caller holds the lock.
func (d *directory) tombstone(e *entry) error {
	dn := e.dn
	d.linkMembers(e, e.attrs["member"], nil)
	d.index(e, false)
	delete(d.entries, dn.key)
	// Forward links to the deleted object disappear, as on AD; those
	// objects did change, so they move on in USN.
	for _, other := range d.entries {
		touched := false
		for _, key := range []string{"member", "manager"} {
			if vals := other.attrs[key]; len(vals) > 0 {
				if kept := removeDN(vals, dn.key); len(kept) != len(vals) {
					touched = true
					if len(kept) == 0 {
						delete(other.attrs, key)
					} else {
						other.attrs[key] = kept
					}
				}
			}
		}
		if vals := other.attrs["memberof"]; len(vals) > 0 {
			if kept := removeDN(vals, dn.key); len(kept) == 0 {
				delete(other.attrs, "memberof")
			} else {
				other.attrs["memberof"] = kept
			}
		}
		if touched {
			d.stamp(other)
		}
	}
	_, rdnValue := dn.rdn()
	name := rdnValue + "\nDEL:" + formatGUID([]byte(e.first("objectguid")))
	tomb, err := parseDN("CN=" + escapeRDNValue(name) + "," + d.deleted.text)
	if err != nil {
		return resultErr(80, "cannot name the tombstone of %s: %v", dn.text, err)
	}
	t := &entry{dn: tomb, created: e.created, attrs: map[string][]string{
		"cn":                {name},
		"name":              {name},
		"distinguishedname": {tomb.text},
		"isdeleted":         {"TRUE"},
		"lastknownparent":   {dn.parent().text},
	}}
	for _, keep := range []string{"objectclass", "objectguid", "objectsid", "samaccountname", "instancetype", "usncreated", "whencreated"} {
		if v := e.attrs[keep]; len(v) > 0 {
			t.attrs[keep] = v
		}
	}
	d.stamp(t)
	d.entries[tomb.key] = t
	return nil
}

// rename implements ModifyDN: a new RDN, a new parent, or both. Children
// move along and every link to a moved object follows it.
func (d *directory) rename(dnText, newRDN string, newSuperior string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	dn, e, err := d.existing(dnText, "; search for its current DN")
	if err != nil {
		return err
	}
	if dn.key == d.base.key || e.first("iscriticalsystemobject") == "TRUE" {
		return resultErr(53, "%s is a critical system object and cannot be moved", dn.text)
	}
	rdn, err := parseDN(newRDN)
	if err != nil || len(rdn.parsed.RDNs) != 1 {
		return resultErr(34, "the new RDN %q must be a single name such as CN=New Name", newRDN)
	}
	parent := dn.parent()
	if newSuperior != "" {
		if parent, err = parseDN(newSuperior); err != nil {
			return resultErr(34, "the new parent %q is not a valid DN", newSuperior)
		}
	}
	p := d.live(parent.key)
	if p == nil {
		return &ResultError{Code: 32, Message: "the new parent " + parent.text + " does not exist; create it first"}
	}
	if isUnder(p.dn.key, dn.key) {
		return resultErr(53, "%s cannot be moved below itself", dn.text)
	}
	target, err := parseDN(rdn.text + "," + p.dn.text)
	if err != nil {
		return resultErr(34, "%v", err)
	}
	if _, exists := d.entries[target.key]; exists {
		return resultErr(68, "%s already exists; choose another name", target.text)
	}
	oldText, oldKey := dn.text, dn.key
	moved := func(v string) (string, bool) {
		k := strings.ToLower(v)
		if k == oldKey {
			return target.text, true
		}
		if strings.HasSuffix(k, ","+oldKey) {
			return v[:len(v)-len(oldText)] + target.text, true
		}
		return v, false
	}
	var movedEntries []*entry
	for k, x := range d.entries {
		if k == oldKey || strings.HasSuffix(k, ","+oldKey) {
			delete(d.entries, k)
			movedEntries = append(movedEntries, x)
		}
	}
	for _, x := range movedEntries {
		nt, _ := moved(x.dn.text)
		ndn, err := parseDN(nt)
		if err != nil {
			return resultErr(80, "internal rename of %s failed: %v", x.dn.text, err)
		}
		d.index(x, false)
		x.dn = ndn
		x.attrs["distinguishedname"] = []string{ndn.text}
		d.entries[ndn.key] = x
		d.index(x, true)
	}
	rt, rv := target.rdn()
	if lookupAttr(rt) != nil {
		e.attrs[strings.ToLower(rt)] = []string{rv}
	}
	e.attrs["name"] = []string{rv}
	for _, x := range d.entries {
		for _, key := range []string{"member", "memberof", "manager", "lastknownparent"} {
			for i, v := range x.attrs[key] {
				if nv, ok := moved(v); ok {
					x.attrs[key][i] = nv
				}
			}
		}
	}
	d.stamp(e)
	return nil
}

// decodeUnicodePwd reads AD's password format: the password in double
// quotes, encoded as UTF-16LE.
func decodeUnicodePwd(vals []string) (string, error) {
	if len(vals) != 1 {
		return "", resultErr(19, "unicodePwd takes exactly one value")
	}
	b := []byte(vals[0])
	if len(b)%2 != 0 || len(b) < 4 {
		return "", resultErr(53, "unicodePwd must be the password in double quotes, encoded as UTF-16LE")
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	s := string(utf16.Decode(u))
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", resultErr(53, "unicodePwd must be the password in double quotes, encoded as UTF-16LE")
	}
	return s[1 : len(s)-1], nil
}

func undefinedAttr(name string) error {
	return resultErr(17, "%q is not an attribute this directory knows; check the spelling (e.g. sAMAccountName, department, employeeID)", name)
}

func systemOnly(at *attrType) error {
	return resultErr(53, "%s is maintained by the directory and cannot be written", at.name)
}
