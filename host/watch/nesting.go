package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/idbridge/idbridge/host/directory"
)

// The group graph's closure stops at the directory client's bounds of a
// nested walk (decision 0214): a deeper or wider nesting is a loop the
// server lets through, or a directory no event could be computed for.
// errNestingTooWide stops a closure that would pass them.
var errNestingTooWide = errors.New("watch: group nesting reaches more than 10,000 groups or 16 levels; nested membership events are not computed for it")

// nesting is the watcher's picture of groups inside groups: for each group
// that is itself a member of groups, the lower-cased DNs of those parents.
// It holds only nested groups, not users, so it is small even at 100,000
// users. See decision 0217.
type nesting map[string][]string

// loadNesting reads every group that is a member of another group, with
// its direct parents, in one search.
func (w *Watcher) loadNesting(ctx context.Context) (nesting, error) {
	n := nesting{}
	err := w.c.Search(ctx, directory.Query{
		Base:       w.c.BaseDN(),
		Filter:     directory.And(w.c.GroupFilter(), "(memberOf=*)"),
		Attributes: []string{"memberOf"},
	}, func(e directory.Entry) error {
		n[strings.ToLower(e.DN)] = lowerSorted(e.Values("memberOf"))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read nested groups: %w", err)
	}
	return n, nil
}

// childGroups reads the groups that are direct members of group now.
func (w *Watcher) childGroups(ctx context.Context, group string) ([]string, error) {
	var out []string
	err := w.c.Search(ctx, directory.Query{
		Base:       w.c.BaseDN(),
		Filter:     directory.And(w.c.GroupFilter(), directory.Equal("memberOf", group)),
		Attributes: []string{"1.1"},
	}, func(e directory.Entry) error {
		out = append(out, strings.ToLower(e.DN))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the groups in %s: %w", group, err)
	}
	slices.Sort(out)
	return out, nil
}

// children lists the groups the graph says are direct members of group.
func (n nesting) children(group string) []string {
	var out []string
	for child, parents := range n {
		if _, ok := slices.BinarySearch(parents, group); ok {
			out = append(out, child)
		}
	}
	slices.Sort(out)
	return out
}

// setChildren makes group's direct member groups exactly children.
func (n nesting) setChildren(group string, children []string) {
	for _, old := range n.children(group) {
		if _, ok := slices.BinarySearch(children, old); !ok {
			n[old] = slices.DeleteFunc(slices.Clone(n[old]), func(p string) bool { return p == group })
			if len(n[old]) == 0 {
				delete(n, old)
			}
		}
	}
	for _, c := range children {
		if _, ok := slices.BinarySearch(n[c], group); !ok {
			ps := append(slices.Clone(n[c]), group)
			slices.Sort(ps)
			n[c] = ps
		}
	}
}

// clone copies the graph, so a change can be compared with the state
// before it.
func (n nesting) clone() nesting {
	out := make(nesting, len(n))
	for k, v := range n {
		out[k] = v
	}
	return out
}

// closure is every group reachable from direct (lower-cased DNs) through
// the graph, direct ones included, sorted.
func (n nesting) closure(direct []string) ([]string, error) {
	seen := map[string]bool{}
	level := slices.Clone(direct)
	for depth := 0; len(level) > 0; depth++ {
		if depth > directory.MaxNestingDepth {
			return nil, errNestingTooWide
		}
		var next []string
		for _, g := range level {
			if seen[g] {
				continue // cycles end here
			}
			seen[g] = true
			if len(seen) > directory.MaxNestedGroups {
				return nil, errNestingTooWide
			}
			next = append(next, n[g]...)
		}
		level = next
	}
	return sortedKeys(seen), nil
}

// descendants is group and every group nested in it, through the graph.
func (n nesting) descendants(group string) ([]string, error) {
	seen := map[string]bool{group: true}
	level := []string{group}
	for depth := 0; len(level) > 0; depth++ {
		if depth > directory.MaxNestingDepth {
			return nil, errNestingTooWide
		}
		var next []string
		for _, g := range level {
			for _, c := range n.children(g) {
				if !seen[c] {
					seen[c] = true
					next = append(next, c)
				}
			}
		}
		if len(seen) > directory.MaxNestedGroups {
			return nil, errNestingTooWide
		}
		level = next
	}
	return sortedKeys(seen), nil
}

// renest follows a change to group's member groups: the users (in the
// base) who are in a group added to or removed from it, directly or
// through further nesting, gain or lose group and the groups above it.
// Each user whose effective groups changed gets one
// GroupMembershipChanged event naming the groups gained and lost. The
// cost is one search for the group's member groups and, only when they
// changed, one search for the users concerned; the closures are computed
// in memory. See decision 0217.
func (w *Watcher) renest(ctx context.Context, group string, st *Stats) error {
	group = strings.ToLower(group)
	now, err := w.childGroups(ctx, group)
	if err != nil {
		return err
	}
	before := w.nest.children(group)
	if slices.Equal(now, before) {
		return nil
	}
	// The graph changes only once every event is delivered: a failed
	// handler leaves it as it was, so the next poll finds the same change.
	old, next := w.nest, w.nest.clone()
	next.setChildren(group, now)
	// The users concerned are under a group that entered or left.
	moved := append(missingFrom(now, before), missingFrom(before, now)...)
	under := map[string]bool{}
	for _, g := range moved {
		ds, err := old.descendants(g)
		if err == nil {
			var more []string
			more, err = next.descendants(g)
			ds = append(ds, more...)
		}
		if err != nil {
			w.log.Warn("group nesting too deep or wide; nested membership events skipped", "group", g, "error", err)
			continue
		}
		for _, d := range ds {
			under[d] = true
		}
	}
	if len(under) == 0 {
		w.nest = next
		return nil
	}
	filters := make([]string, 0, len(under))
	for g := range under {
		filters = append(filters, directory.Equal("memberOf", g))
	}
	slices.Sort(filters)
	err = w.c.Users(ctx, directory.UserQuery{Base: w.base, Filter: directory.Or(filters...), Extra: w.attrs},
		func(u directory.User) error {
			st.Read++
			n, err := w.observe(ctx, u, true, true)
			st.Events += n
			if err != nil {
				return err
			}
			n, err = w.nestedEvent(ctx, u, old, next)
			st.Events += n
			return err
		})
	if err != nil {
		return err
	}
	w.nest = next
	return nil
}

// nestedEvent delivers the change of u's effective groups between the
// graph before (old) and after (next), if any.
func (w *Watcher) nestedEvent(ctx context.Context, u directory.User, old, next nesting) (int, error) {
	direct := lowerSorted(u.Groups())
	was, err := old.closure(direct)
	if err != nil {
		w.log.Warn("group nesting too deep or wide; nested membership event skipped", "user", u.DN, "error", err)
		return 0, nil
	}
	is, err := next.closure(direct)
	if err != nil {
		w.log.Warn("group nesting too deep or wide; nested membership event skipped", "user", u.DN, "error", err)
		return 0, nil
	}
	added, removed := missingFrom(is, was), missingFrom(was, is)
	if len(added)+len(removed) == 0 {
		return 0, nil
	}
	e := Event{Kind: GroupMembershipChanged, ID: u.ID, DN: u.DN, Attributes: u.Attributes, Enabled: u.Enabled(),
		GroupsAdded: added, GroupsRemoved: removed, Nested: true, DetectedAt: w.now()}
	if err := w.opts.Handler(ctx, e); err != nil {
		return 0, fmt.Errorf("%w: %s %s: %w", ErrHandler, e.Kind, e.DN, err)
	}
	return 1, nil
}

// missingFrom lists the members of the sorted list a that the sorted list
// b lacks.
func missingFrom(a, b []string) []string {
	var out []string
	for _, g := range a {
		if _, ok := slices.BinarySearch(b, g); !ok {
			out = append(out, g)
		}
	}
	return out
}

// sortedKeys lists a set's members in order.
func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for g := range set {
		out = append(out, g)
	}
	slices.Sort(out)
	return out
}

// lowerSorted lower-cases DNs and sorts them, the form the graph keeps.
func lowerSorted(dns []string) []string {
	out := make([]string, len(dns))
	for i, d := range dns {
		out[i] = strings.ToLower(d)
	}
	slices.Sort(out)
	return out
}
