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

	userMu          sync.Mutex
	userSlots       slab // backs users' vals
	users           []adUser
	index           map[string]int32
	dups            [][]int32
	usersWithoutKey int
	userCount       int
	seenUsers       map[string]struct{}
}

// Plan computes the plan from everything fed so far. It does not consume
// the inputs; calling it twice gives the same plan.
func (p *Planner) Plan(ctx context.Context) (*Plan, error) {
	p.recMu.Lock()
	defer p.recMu.Unlock()
	p.userMu.Lock()
	defer p.userMu.Unlock()

	plan := &Plan{DataSource: p.def.Name, Category: p.def.Category, Join: p.joinReport()}
	plan.Summary.Users = p.userCount
	plan.Summary.UsersWithoutKey = p.usersWithoutKey

	claimedBy := make([]int32, len(p.users))
	for i := range claimedBy {
		claimedBy[i] = -1
	}
	extraClaims := map[int32][]int32{}        // user → further records claiming it
	matchOf := make([]string, len(p.entries)) // record → the value that matched (only for claims)
	attrName := p.def.Match.Attribute
	var users []int32 // reused from record to record; userRefs copies

	for i := range p.entries {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("planning %q: %w", p.def.Name, err)
			}
		}
		e := &p.entries[i]
		if e.present&1 == 0 {
			continue
		}
		plan.Summary.Records++
		if !p.isActive(e) {
			plan.Summary.Inactive++
			continue
		}
		raw, norm, why := p.matchValues(e)
		if why != "" {
			plan.Orphans = append(plan.Orphans, Orphan{Kind: OrphanNoMatchValue, Key: e.key,
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
		display := strings.Join(raw, ", ")
		switch {
		case shared:
			plan.Conflicts = append(plan.Conflicts, Conflict{Kind: ConflictSharedKey, Keys: []string{e.key},
				MatchValues: raw, Users: p.userRefs(users),
				Reason: fmt.Sprintf("%d AD users have %s=%s; make the value unique in AD", len(users), attrName, display)})
		case len(users) > 1:
			plan.Conflicts = append(plan.Conflicts, Conflict{Kind: ConflictSeveralUsers, Keys: []string{e.key},
				MatchValues: raw, Users: p.userRefs(users),
				Reason: fmt.Sprintf("the record's values %s match %d different AD users", display, len(users))})
		case len(users) == 0:
			p.planUnmatched(plan, e, raw)
		default:
			u := users[0]
			cu := &p.users[u]
			if !cu.enabled {
				plan.Orphans = append(plan.Orphans, Orphan{Kind: OrphanDisabled, Key: e.key, MatchValue: display,
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
			plan.Conflicts = append(plan.Conflicts, c)
			continue
		}
		p.planMatched(plan, &p.entries[first], &p.users[u], matchOf[first])
	}

	p.finish(plan)
	return plan, nil
}

func (p *Planner) planUnmatched(plan *Plan, e *entry, raw []string) {
	display := strings.Join(raw, ", ")
	attrName := p.def.Match.Attribute
	if p.createName == nil {
		plan.Orphans = append(plan.Orphans, Orphan{Kind: OrphanNoUser, Key: e.key, MatchValue: display,
			Reason: fmt.Sprintf("no AD user has %s=%s", attrName, display)})
		return
	}
	name, err := p.createName.Value(macro.Env{Values: recordValues{p, e}, Object: "record " + e.key})
	if err != nil {
		plan.Orphans = append(plan.Orphans, Orphan{Kind: OrphanCannotCreate, Key: e.key, MatchValue: display,
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
	plan.Creates = append(plan.Creates, c)
}

func (p *Planner) planMatched(plan *Plan, e *entry, u *adUser, display string) {
	if p.def.Category == CategoryOrphansReport {
		plan.NoChange = append(plan.NoChange, NoChange{Key: e.key, MatchValue: display, UserID: u.id, DN: u.dn,
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
		plan.NoChange = append(plan.NoChange, NoChange{Key: e.key, MatchValue: display, UserID: u.id, DN: u.dn,
			Warnings: warnings, Reason: "every mapped attribute already has the app's value"})
		return
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Attribute < changes[j].Attribute })
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Attribute
	}
	plan.Updates = append(plan.Updates, Update{Key: e.key, MatchValue: display, UserID: u.id, DN: u.dn,
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

// finish sorts every list, counts, and applies the change limit.
func (p *Planner) finish(plan *Plan) {
	sort.Slice(plan.Updates, func(i, j int) bool {
		return less(plan.Updates[i].DN, plan.Updates[i].Key, plan.Updates[j].DN, plan.Updates[j].Key)
	})
	sort.Slice(plan.Creates, func(i, j int) bool {
		return less(plan.Creates[i].DN, plan.Creates[i].Key, plan.Creates[j].DN, plan.Creates[j].Key)
	})
	sort.Slice(plan.NoChange, func(i, j int) bool {
		return less(plan.NoChange[i].DN, plan.NoChange[i].Key, plan.NoChange[j].DN, plan.NoChange[j].Key)
	})
	sort.Slice(plan.Orphans, func(i, j int) bool {
		return less(plan.Orphans[i].Key, plan.Orphans[i].DN, plan.Orphans[j].Key, plan.Orphans[j].DN)
	})
	sort.Slice(plan.Conflicts, func(i, j int) bool {
		a, b := plan.Conflicts[i], plan.Conflicts[j]
		return less(string(a.Kind), a.Keys[0], string(b.Kind), b.Keys[0])
	})
	s := &plan.Summary
	s.Updates, s.Creates, s.NoChange = len(plan.Updates), len(plan.Creates), len(plan.NoChange)
	s.Orphans, s.Conflicts = len(plan.Orphans), len(plan.Conflicts)
	for _, u := range plan.Updates {
		s.AttributeChanges += len(u.Changes)
		s.Warnings += len(u.Warnings)
	}
	for _, c := range plan.Creates {
		s.Warnings += len(c.Warnings)
	}
	for _, n := range plan.NoChange {
		s.Warnings += len(n.Warnings)
	}
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
