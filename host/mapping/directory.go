package mapping

import (
	"slices"
	"strings"
)

// ADUser is one directory user as the directory client streams it. Only the
// attributes in Planner.Attributes are needed.
type ADUser struct {
	// ID is the stable id (objectGUID, or entryUUID on OpenLDAP).
	ID         string
	DN         string
	Attributes map[string][]string
	Enabled    bool
}

// adUser is the compact form kept per user: no attribute names, only the
// values of the attributes the plan needs, one string per attribute.
type adUser struct {
	id, dn  string
	enabled bool
	vals    []string
}

// dupFlag marks an index value as a position in dups rather than a user.
const dupFlag = int32(-1 << 31)

// AddUser indexes one AD user by its match value, keeping only what the plan
// needs. A user seen before (same ID, or same DN when there is no ID) is
// ignored, so overlapping search scopes do not make a user conflict with
// itself. It is safe to call concurrently with AddRecords.
func (p *Planner) AddUser(u ADUser) {
	p.userMu.Lock()
	defer p.userMu.Unlock()
	// The values the plan reads, still the caller's strings: they are
	// copied below in one piece.
	var rawBuf [4][]string
	raw := rawBuf[:0]
	if len(p.attrs) > len(rawBuf) {
		raw = make([][]string, 0, len(p.attrs))
	}
	raw = raw[:len(p.attrs)]
	size := len(u.ID) + len(u.DN)
	for name, vals := range u.Attributes {
		for i, a := range p.attrs {
			if strings.EqualFold(a, name) && len(vals) > 0 {
				raw[i] = vals
				for _, v := range vals {
					size += len(v) + len(multiSep)
				}
			}
		}
	}
	// A user without a match value can never be matched; count it and
	// keep nothing.
	var buf [2]string // most users have one match value; no allocation then
	keys := buf[:0]
	match := raw[p.matchAttr]
	for _, v := range match {
		for k := range strings.SplitSeq(v, multiSep) {
			if k = p.normMatch(k); k != "" {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		if p.seenWithoutKey(u) {
			return
		}
		p.usersWithoutKey++
		p.userCount++
		return
	}
	// A user streamed twice has the same match values both times, so the
	// index already leads to its first copy: no set of every ID is needed.
	// See decision 0264.
	prev, exists := p.index[keys[0]]
	if exists && p.sameUser(prev, u) {
		return
	}
	t := newText(size)
	cu := adUser{id: t.keep(u.ID), dn: t.keep(u.DN), enabled: u.Enabled, vals: p.userSlots.take(len(p.attrs))}
	for i, vals := range raw {
		switch len(vals) {
		case 0:
		case 1:
			cu.vals[i] = t.keep(vals[0])
		default:
			cu.vals[i] = t.keepJoined(vals)
		}
	}
	pos := int32(len(p.users))
	p.users = append(p.users, cu)
	p.userCount++
	for i, k := range keys {
		if i > 0 {
			prev, exists = p.index[k]
		}
		switch {
		case !exists:
			p.index[k] = pos
		case prev == pos:
		case prev&dupFlag != 0:
			d := prev &^ dupFlag
			p.dups[d] = append(p.dups[d], pos)
		default:
			p.dups = append(p.dups, []int32{prev, pos})
			p.index[k] = int32(len(p.dups)-1) | dupFlag
		}
	}
}

// sameUser tells whether the user (or any of the users) an index value
// leads to is u itself, by ID, or by DN when there is no ID.
func (p *Planner) sameUser(at int32, u ADUser) bool {
	same := func(i int32) bool {
		cu := &p.users[i]
		if u.ID != "" || cu.id != "" {
			return cu.id == u.ID
		}
		return strings.EqualFold(cu.dn, u.DN)
	}
	if at&dupFlag == 0 {
		return same(at)
	}
	return slices.ContainsFunc(p.dups[at&^dupFlag], same)
}

// seenWithoutKey tells whether a user without a match value was counted
// before, and remembers it. Such users are rare, so their set is small.
func (p *Planner) seenWithoutKey(u ADUser) bool {
	id := u.ID
	if id == "" {
		id = "dn:" + strings.ToLower(u.DN)
	}
	if _, dup := p.keylessUsers[id]; dup {
		return true
	}
	if p.keylessUsers == nil {
		p.keylessUsers = map[string]struct{}{}
	}
	p.keylessUsers[strings.Clone(id)] = struct{}{}
	return false
}

// lookupUsers returns the users with a match value, and whether several
// share it.
func (p *Planner) lookupUsers(key string) ([]int32, bool) {
	v, ok := p.index[key]
	if !ok {
		return nil, false
	}
	if v&dupFlag != 0 {
		return p.dups[v&^dupFlag], true
	}
	return []int32{v}, false
}

func (p *Planner) normMatch(s string) string {
	s = strings.TrimSpace(s)
	if p.def.Match.CaseInsensitive {
		s = strings.ToLower(s)
	}
	return s
}
