package mapping

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/idbridge/idbridge/host/macro"
)

// Planner collects one sync's inputs and computes its plan. Create one per
// run with NewPlanner, feed it with AddRecords and AddUser (in any order,
// from two goroutines if the engine reads both streams at once), then call
// Plan.
type Planner struct {
	def     DataSource
	aliases map[string]int

	// Projection: each (endpoint, path) the plan reads gets a slot.
	nslots    int
	slotPaths [][]slotPath
	merged    map[string][]int          // path → slots in endpoint order
	byAlias   map[string]map[string]int // alias → path → slot
	keyPaths  []path

	attrs     []string // AD attributes to read, in the mappings' spelling
	matchAttr int      // index of the match attribute in attrs

	mappings    []compiled
	createAttrs []compiled
	createName  *macro.Template
	match       compiled
	active      *compiledActive

	recMu    sync.Mutex
	entries  []entry
	byKey    map[string]int32
	join     []EndpointReport
	recSlots slab // backs entries' vals
	// refused are the records whose values cannot be used, with why;
	// sparse, since a well-behaved app has none.
	refused map[int32]string

	userMu          sync.Mutex
	userSlots       slab // backs users' vals
	users           []adUser
	index           map[string]int32
	dups            [][]int32
	usersWithoutKey int
	userCount       int
	// keylessUsers are the users without a match value counted so far,
	// by ID (or DN), so a user streamed twice is counted once.
	keylessUsers map[string]struct{}
	// roles is what the directory says of roles; see SetRoleMembers.
	roles *roleState
}

// Plan computes the plan from everything fed so far, every object of every
// category in one value, sorted. It does not consume the inputs; calling it
// twice gives the same plan.
func (p *Planner) Plan(ctx context.Context) (*Plan, error) {
	var all Plan
	head, err := p.PlanTo(ctx, func(it Item) error { all.add(it); return nil })
	if err != nil {
		return nil, err
	}
	all.DataSource, all.Category, all.Summary, all.Join = head.DataSource, head.Category, head.Summary, head.Join
	all.NeedsConfirmation, all.ConfirmationReason = head.NeedsConfirmation, head.ConfirmationReason
	all.sortLists()
	return &all, nil
}

// PlanTo computes the plan and hands each object to fn as it is found,
// in the planner's order (records in the app's order, then matched users
// and missing accounts in the directory's), without keeping any: a caller
// that only counts, keeps the first few or streams them out holds no more
// than it chooses. The returned plan has the summary, the join report and
// the confirmation, and no lists. An error from fn stops the plan and is
// returned. See decision 0211.
func (p *Planner) PlanTo(ctx context.Context, fn func(Item) error) (*Plan, error) {
	p.recMu.Lock()
	defer p.recMu.Unlock()
	p.userMu.Lock()
	defer p.userMu.Unlock()

	plan := &Plan{DataSource: p.def.Name, Category: p.def.Category, Join: p.joinReport()}
	plan.Summary.Users = p.userCount
	plan.Summary.UsersWithoutKey = p.usersWithoutKey
	out := &emitter{fn: fn, sum: &plan.Summary}

	claimedBy := make([]int32, len(p.users))
	for i := range claimedBy {
		claimedBy[i] = -1
	}
	extraClaims := map[int32][]int32{}        // user → further records claiming it
	matchOf := make([]string, len(p.entries)) // record → the value that matched (only for claims)
	attrName := p.def.Match.Attribute
	var users []int32 // reused from record to record; userRefs copies
	// touched marks users some record led to, whatever became of it: the
	// others are the directory's users without an app account.
	touched := make([]bool, len(p.users))

	for i := range p.entries {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("planning %q: %w", p.def.Name, err)
			}
		}
		if out.err != nil {
			return nil, out.err
		}
		e := &p.entries[i]
		if e.present&1 == 0 {
			continue
		}
		plan.Summary.Records++
		if why, bad := p.refused[int32(i)]; bad {
			out.conflict(Conflict{Kind: ConflictBadValue, Keys: []string{e.key},
				Reason: why + "; the record is left alone (not matched, updated or created): fix the value in the app"})
			continue
		}
		if !p.isActive(e) {
			plan.Summary.Inactive++
			continue
		}
		raw, norm, why := p.matchValues(e)
		if why != "" {
			out.orphan(Orphan{Kind: OrphanNoMatchValue, Key: e.key,
				Reason: why + "; the record cannot be matched to an AD user"})
			continue
		}
		users = users[:0]
		shared := false
		for _, k := range norm {
			us, dup := p.lookupUsers(k)
			if dup {
				shared = true
			}
			for _, u := range us {
				if !containsInt32(users, u) {
					users = append(users, u)
				}
			}
		}
		for _, u := range users {
			touched[u] = true
		}
		display := strings.Join(raw, ", ")
		switch {
		case shared:
			out.conflict(Conflict{Kind: ConflictSharedKey, Keys: []string{e.key},
				MatchValues: raw, Users: p.userRefs(users),
				Reason: fmt.Sprintf("%d AD users have %s=%s; make the value unique in AD", len(users), attrName, display)})
		case len(users) > 1:
			out.conflict(Conflict{Kind: ConflictSeveralUsers, Keys: []string{e.key},
				MatchValues: raw, Users: p.userRefs(users),
				Reason: fmt.Sprintf("the record's values %s match %d different AD users", display, len(users))})
		case len(users) == 0:
			p.planUnmatched(out, e, raw)
		default:
			u := users[0]
			cu := &p.users[u]
			if !cu.enabled {
				out.orphan(Orphan{Kind: OrphanDisabled, Key: e.key, MatchValue: display,
					UserID: cu.id, DN: cu.dn,
					Reason: fmt.Sprintf("the AD user %s with %s=%s is disabled; the app account is stale access", cu.dn, attrName, display)})
				continue
			}
			matchOf[i] = display
			if claimedBy[u] < 0 {
				claimedBy[u] = int32(i)
			} else {
				extraClaims[u] = append(extraClaims[u], int32(i))
			}
		}
	}

	for u, first := range claimedBy {
		if first < 0 {
			continue
		}
		if more, ok := extraClaims[int32(u)]; ok {
			recs := append([]int32{first}, more...)
			sort.Slice(recs, func(i, j int) bool { return p.entries[recs[i]].key < p.entries[recs[j]].key })
			c := Conflict{Kind: ConflictSharedUser, Users: p.userRefs([]int32{int32(u)})}
			for _, r := range recs {
				c.Keys = append(c.Keys, p.entries[r].key)
				c.MatchValues = append(c.MatchValues, matchOf[r])
			}
			c.Reason = fmt.Sprintf("%d app records (%s) match the same AD user %s", len(recs), strings.Join(c.Keys, ", "), p.users[u].dn)
			out.conflict(c)
			continue
		}
		p.planMatched(out, &p.entries[first], &p.users[u], matchOf[first])
	}

	p.planMissing(out, claimedBy, touched)
	if out.err != nil {
		return nil, out.err
	}
	p.finish(plan)
	return plan, nil
}

func (p *Planner) planUnmatched(out *emitter, e *entry, raw []string) {
	display := strings.Join(raw, ", ")
	attrName := p.def.Match.Attribute
	if p.createName == nil {
		out.orphan(Orphan{Kind: OrphanNoUser, Key: e.key, MatchValue: display,
			Reason: fmt.Sprintf("no AD user has %s=%s", attrName, display)})
		return
	}
	name, err := p.createName.Value(macro.Env{Values: recordValues{p, e}, Object: "record " + e.key})
	if err != nil {
		out.orphan(Orphan{Kind: OrphanCannotCreate, Key: e.key, MatchValue: display,
			Reason: fmt.Sprintf("no AD user has %s=%s, and the new user's name cannot be made: %v", attrName, display, err)})
		return
	}
	c := Create{Key: e.key, MatchValue: display,
		DN:     "CN=" + escapeRDNValue(name) + "," + p.def.Options.Create.OU,
		Reason: fmt.Sprintf("no AD user has %s=%s and this data source creates users", attrName, display)}
	set := map[string]bool{}
	addAttr := func(c2 compiled, warn *[]string) {
		if set[strings.ToLower(c2.attr)] {
			return
		}
		v, why := p.value(c2, e)
		if why != "" {
			*warn = append(*warn, why+"; "+c2.attr+" is not set")
			return
		}
		set[strings.ToLower(c2.attr)] = true
		c.Attributes = append(c.Attributes, AttributeValue{Attribute: c2.attr, Value: v})
	}
	for _, m := range p.mappings {
		addAttr(m, &c.Warnings)
	}
	for _, m := range p.createAttrs {
		addAttr(m, &c.Warnings)
	}
	if len(raw) == 1 && !set[strings.ToLower(attrName)] {
		// The new user must match this record on the next run.
		c.Attributes = append(c.Attributes, AttributeValue{Attribute: attrName, Value: raw[0]})
	}
	sort.Slice(c.Attributes, func(i, j int) bool { return c.Attributes[i].Attribute < c.Attributes[j].Attribute })
	out.create(c)
}

func (p *Planner) planMatched(out *emitter, e *entry, u *adUser, display string) {
	p.roleDrift(out, e, u, display)
	if p.def.Category == CategoryOrphansReport {
		out.noChange(NoChange{Key: e.key, MatchValue: display, UserID: u.id, DN: u.dn,
			Reason: "matched; an orphans report does not compare attributes"})
		return
	}
	var changes []Change
	var warnings []string
	for _, m := range p.mappings {
		// Compare in compact form first: most users do not change, and a
		// single value holds no separator, so no slice is built for them.
		oldRaw := u.vals[m.attrAt]
		v, why := p.value(m, e)
		if why != "" {
			if m.clear && oldRaw != "" {
				changes = append(changes, Change{Attribute: m.attr, Old: splitMulti(oldRaw), Clear: true})
			} else if !m.clear {
				warnings = append(warnings, why+"; "+m.attr+" is left unchanged")
			}
			continue
		}
		if oldRaw == v && !strings.Contains(v, multiSep) {
			continue
		}
		changes = append(changes, Change{Attribute: m.attr, Old: splitMulti(oldRaw), New: v})
	}
	if len(changes) == 0 {
		out.noChange(NoChange{Key: e.key, MatchValue: display, UserID: u.id, DN: u.dn,
			Warnings: warnings, Reason: "every mapped attribute already has the app's value"})
		return
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Attribute < changes[j].Attribute })
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Attribute
	}
	out.update(Update{Key: e.key, MatchValue: display, UserID: u.id, DN: u.dn,
		Changes: changes, Warnings: warnings,
		Reason: fmt.Sprintf("%s=%s matches %s; to change: %s", p.def.Match.Attribute, display, u.dn, strings.Join(names, ", "))})
}

func (p *Planner) userRefs(us []int32) []UserRef {
	out := make([]UserRef, len(us))
	for i, u := range us {
		out[i] = UserRef{ID: p.users[u].id, DN: p.users[u].dn}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DN < out[j].DN })
	return out
}

// finish applies the change limit to the counts.
func (p *Planner) finish(plan *Plan) {
	s := &plan.Summary
	if limit := p.def.Options.ChangeLimit; limit > 0 && s.Updates+s.Creates > limit {
		plan.NeedsConfirmation = true
		plan.ConfirmationReason = fmt.Sprintf("the plan changes %d users (%d updates, %d creates), more than the limit of %d; check the mapping, then confirm to apply",
			s.Updates+s.Creates, s.Updates, s.Creates, limit)
	}
}

func less(a1, a2, b1, b2 string) bool {
	if a1 != b1 {
		return a1 < b1
	}
	return a2 < b2
}

func containsInt32(list []int32, v int32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
