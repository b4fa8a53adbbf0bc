package mapping

import (
	"fmt"
	"sort"
	"strings"
)

// The categories of a plan's objects, as Item.Category and as the names
// the API and CLI use.
const (
	ItemUpdate   = "update"
	ItemCreate   = "create"
	ItemNoChange = "noChange"
	ItemOrphan   = "orphan"
	ItemConflict = "conflict"
	ItemMissing  = "missing"
)

// Item is one object of a plan, as PlanTo hands it out and as a streamed
// plan sends it: its category and the one field that category fills.
type Item struct {
	Category string          `json:"category"`
	Update   *Update         `json:"update,omitempty"`
	Create   *Create         `json:"create,omitempty"`
	NoChange *NoChange       `json:"noChange,omitempty"`
	Orphan   *Orphan         `json:"orphan,omitempty"`
	Conflict *Conflict       `json:"conflict,omitempty"`
	Missing  *MissingAccount `json:"missing,omitempty"`
	Roles    *RoleDrift      `json:"roles,omitempty"`
}

// MissingAccount is an enabled directory user in the data source's scope
// that no app record leads to: access the person lacks, what onboarding
// would create.
type MissingAccount struct {
	UserID string `json:"userId"`
	DN     string `json:"dn"`
	// MatchValue is the user's value of the match attribute (usually the
	// e-mail), the name an admin looks the account up by in the app.
	MatchValue string `json:"matchValue"`
	Reason     string `json:"reason"`
}

// emitter counts each object into the summary and passes it on; after the
// first error from fn it drops the rest and PlanTo returns the error.
type emitter struct {
	fn  func(Item) error
	sum *Summary
	err error
}

func (o *emitter) send(it Item) {
	if o.err == nil {
		o.err = o.fn(it)
	}
}

func (o *emitter) update(u Update) {
	o.sum.Updates++
	o.sum.AttributeChanges += len(u.Changes)
	o.sum.Warnings += len(u.Warnings)
	o.send(Item{Category: ItemUpdate, Update: &u})
}

func (o *emitter) create(c Create) {
	o.sum.Creates++
	o.sum.Warnings += len(c.Warnings)
	o.send(Item{Category: ItemCreate, Create: &c})
}

func (o *emitter) noChange(n NoChange) {
	o.sum.NoChange++
	o.sum.Warnings += len(n.Warnings)
	o.send(Item{Category: ItemNoChange, NoChange: &n})
}

func (o *emitter) orphan(x Orphan) {
	o.sum.Orphans++
	o.send(Item{Category: ItemOrphan, Orphan: &x})
}

func (o *emitter) conflict(c Conflict) {
	o.sum.Conflicts++
	o.send(Item{Category: ItemConflict, Conflict: &c})
}

func (o *emitter) roleDrift(r RoleDrift) {
	o.sum.RoleDrift++
	o.send(Item{Category: ItemRoles, Roles: &r})
}

func (o *emitter) missing(m MissingAccount) {
	o.sum.Missing++
	o.send(Item{Category: ItemMissing, Missing: &m})
}

// planMissing reports the enabled users no record led to. Users without a
// match value are not kept by AddUser; the summary counts them apart.
func (p *Planner) planMissing(out *emitter, claimedBy []int32, touched []bool) {
	attr := p.def.Match.Attribute
	for u := range p.users {
		cu := &p.users[u]
		if touched[u] || claimedBy[u] >= 0 || !cu.enabled {
			continue
		}
		mv := strings.ReplaceAll(cu.vals[p.matchAttr], multiSep, ", ")
		out.missing(MissingAccount{UserID: cu.id, DN: cu.dn, MatchValue: mv,
			Reason: fmt.Sprintf("the enabled AD user %s (%s=%s) has no app account", cu.dn, attr, mv)})
		if out.err != nil {
			return
		}
	}
}

// add appends it to its list.
func (p *Plan) add(it Item) {
	switch it.Category {
	case ItemUpdate:
		p.Updates = append(p.Updates, *it.Update)
	case ItemCreate:
		p.Creates = append(p.Creates, *it.Create)
	case ItemNoChange:
		p.NoChange = append(p.NoChange, *it.NoChange)
	case ItemOrphan:
		p.Orphans = append(p.Orphans, *it.Orphan)
	case ItemConflict:
		p.Conflicts = append(p.Conflicts, *it.Conflict)
	case ItemMissing:
		p.Missing = append(p.Missing, *it.Missing)
	case ItemRoles:
		p.Roles = append(p.Roles, *it.Roles)
	}
}

// Less orders two items of one category the way a plan's lists are
// sorted: by DN then key for users, by key for orphans, by kind then first
// key for conflicts.
func Less(a, b Item) bool {
	ka1, ka2 := a.sortKey()
	kb1, kb2 := b.sortKey()
	return less(ka1, ka2, kb1, kb2)
}

func (it Item) sortKey() (string, string) {
	switch it.Category {
	case ItemUpdate:
		return it.Update.DN, it.Update.Key
	case ItemCreate:
		return it.Create.DN, it.Create.Key
	case ItemNoChange:
		return it.NoChange.DN, it.NoChange.Key
	case ItemOrphan:
		return it.Orphan.Key, it.Orphan.DN
	case ItemConflict:
		return string(it.Conflict.Kind), it.Conflict.Keys[0]
	case ItemMissing:
		return it.Missing.DN, it.Missing.UserID
	case ItemRoles:
		return it.Roles.DN, it.Roles.Key
	}
	return "", ""
}

// sortLists puts every list in its stable order, so two plans of the same
// inputs read the same.
func (p *Plan) sortLists() {
	sort.Slice(p.Updates, func(i, j int) bool {
		return less(p.Updates[i].DN, p.Updates[i].Key, p.Updates[j].DN, p.Updates[j].Key)
	})
	sort.Slice(p.Creates, func(i, j int) bool {
		return less(p.Creates[i].DN, p.Creates[i].Key, p.Creates[j].DN, p.Creates[j].Key)
	})
	sort.Slice(p.NoChange, func(i, j int) bool {
		return less(p.NoChange[i].DN, p.NoChange[i].Key, p.NoChange[j].DN, p.NoChange[j].Key)
	})
	sort.Slice(p.Orphans, func(i, j int) bool {
		return less(p.Orphans[i].Key, p.Orphans[i].DN, p.Orphans[j].Key, p.Orphans[j].DN)
	})
	sort.Slice(p.Conflicts, func(i, j int) bool {
		a, b := p.Conflicts[i], p.Conflicts[j]
		return less(string(a.Kind), a.Keys[0], string(b.Kind), b.Keys[0])
	})
	sort.Slice(p.Missing, func(i, j int) bool {
		return less(p.Missing[i].DN, p.Missing[i].UserID, p.Missing[j].DN, p.Missing[j].UserID)
	})
	sort.Slice(p.Roles, func(i, j int) bool {
		return less(p.Roles[i].DN, p.Roles[i].Key, p.Roles[j].DN, p.Roles[j].Key)
	})
}

// Sample keeps the first n items of each category in plan order (the
// order of Plan's lists) while a plan streams past, holding at most n per
// category. See decision 0211.
type Sample struct {
	n     int
	lists map[string][]Item
}

// NewSample returns a Sample of n per category.
func NewSample(n int) *Sample { return &Sample{n: n, lists: map[string][]Item{}} }

// Add offers it to the sample.
func (s *Sample) Add(it Item) {
	if s.n <= 0 {
		return
	}
	l := s.lists[it.Category]
	i := sort.Search(len(l), func(i int) bool { return Less(it, l[i]) })
	if i >= s.n {
		return
	}
	if len(l) < s.n {
		l = append(l, Item{})
	}
	copy(l[i+1:], l[i:])
	l[i] = it
	s.lists[it.Category] = l
}

// Fill puts the sample's items into p's lists, sorted.
func (s *Sample) Fill(p *Plan) {
	for _, l := range s.lists {
		for _, it := range l {
			p.add(it)
		}
	}
}
