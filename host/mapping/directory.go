package mapping

import (
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
	id := u.ID
	if id == "" {
		id = "dn:" + strings.ToLower(u.DN)
	}
	if _, dup := p.seenUsers[id]; dup {
		return
	}
	// One copy of the ID serves as both the seen key and the user's id.
	cid := strings.Clone(u.ID)
	if id == u.ID {
		p.seenUsers[cid] = struct{}{}
	} else {
		p.seenUsers[id] = struct{}{} // built above, so already a copy
	}
	cu := adUser{id: cid, dn: strings.Clone(u.DN), enabled: u.Enabled, vals: p.userSlots.take(len(p.attrs))}
	for name, vals := range u.Attributes {
		for i, a := range p.attrs {
			if strings.EqualFold(a, name) && len(vals) > 0 {
				if len(vals) == 1 {
					cu.vals[i] = strings.Clone(vals[0])
				} else {
					cu.vals[i] = strings.Join(vals, multiSep)
				}
			}
		}
	}
	// A user without a match value can never be matched; count it and
	// keep nothing.
	var buf [2]string // most users have one match value; no allocation then
	keys := buf[:0]
	for k := range strings.SplitSeq(cu.vals[p.matchAttr], multiSep) {
		if k = p.normMatch(k); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		p.usersWithoutKey++
		p.userCount++
		return
	}
	pos := int32(len(p.users))
	p.users = append(p.users, cu)
	p.userCount++
	for _, k := range keys {
		prev, exists := p.index[k]
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
