package watch_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/watch"
)

// nestedChanges drives group-in-group changes and checks that exactly the
// users whose effective groups changed get an event, naming the groups.
func nestedChanges(t *testing.T, cfg directory.Config) {
	f := newFixture(t, cfg, watch.NewMemoryState(), watch.Options{})
	ctx := f.ctx
	add := func(name string) directory.User {
		return dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName(name)})
	}
	viaLeaf, deep, both, other := add("leafy"), add("deep"), add("both"), add("other")
	leaf := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("leaf"), viaLeaf.DN, both.DN)
	inner := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("inner"), deep.DN)
	mid := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("mid"), inner, both.DN)
	admins := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("admins"), both.DN)
	dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("elsewhere"), other.DN)
	if ev := f.poll(); len(ev) != 0 {
		t.Fatalf("first snapshot delivered %d events", len(ev))
	}

	// leaf into admins: its member gains admins; "both" was already in it.
	must(t, f.c.AddToGroup(ctx, admins, leaf))
	nestedOnly(t, f.poll(), map[string]directory.User{viaLeaf.ID: viaLeaf}, admins, true)

	// mid (holding inner, holding deep) into admins: two levels down;
	// "both", also in mid, was in admins already.
	must(t, f.c.AddToGroup(ctx, admins, mid))
	nestedOnly(t, f.poll(), map[string]directory.User{deep.ID: deep}, admins, true)

	// leaf out of admins: its member loses admins; "both" keeps it.
	must(t, f.c.RemoveFromGroup(ctx, admins, leaf))
	nestedOnly(t, f.poll(), map[string]directory.User{viaLeaf.ID: viaLeaf}, admins, false)

	// inner out of mid: deep loses mid and, through it, admins.
	must(t, f.c.RemoveFromGroup(ctx, mid, inner))
	ev := f.poll()
	if len(ev) != 1 || ev[0].ID != deep.ID || !ev[0].Nested {
		t.Fatalf("removing inner from mid: events %+v, want one nested event for %s", ev, deep.DN)
	}
	want := []string{strings.ToLower(admins), strings.ToLower(mid)}
	slices.Sort(want)
	if !slices.Equal(ev[0].GroupsRemoved, want) || len(ev[0].GroupsAdded) != 0 {
		t.Errorf("removing inner from mid: added %v removed %v, want removed %v", ev[0].GroupsAdded, ev[0].GroupsRemoved, want)
	}

	// At rest: nothing.
	if ev := f.poll(); len(ev) != 0 {
		t.Errorf("a poll at rest delivered %+v", ev)
	}
}

// nestedOnly checks that events are one nested GroupMembershipChanged per
// user in want, gaining (or losing) exactly group.
func nestedOnly(t *testing.T, events []watch.Event, want map[string]directory.User, group string, gained bool) {
	t.Helper()
	got := map[string]bool{}
	for _, e := range events {
		u, ok := want[e.ID]
		if !ok {
			t.Errorf("unexpected %s event for %s (nested %v, added %v, removed %v)", e.Kind, e.DN, e.Nested, e.GroupsAdded, e.GroupsRemoved)
			continue
		}
		got[e.ID] = true
		changed, other := e.GroupsAdded, e.GroupsRemoved
		if !gained {
			changed, other = other, changed
		}
		if e.Kind != watch.GroupMembershipChanged || !e.Nested || !strings.EqualFold(e.DN, u.DN) || e.Attributes == nil ||
			len(changed) != 1 || !strings.EqualFold(changed[0], group) || len(other) != 0 {
			t.Errorf("event for %s: %s nested %v added %v removed %v, want %s %s", u.DN, e.Kind, e.Nested, e.GroupsAdded, e.GroupsRemoved, map[bool]string{true: "gaining", false: "losing"}[gained], group)
		}
	}
	for id, u := range want {
		if !got[id] {
			t.Errorf("no event for %s", u.DN)
		}
	}
}

func TestNestedMembershipEventsAD(t *testing.T) { nestedChanges(t, dirtest.AD(t)) }

func TestNestedMembershipEventsOpenLDAP(t *testing.T) { nestedChanges(t, dirtest.OpenLDAP(t)) }

// TestNestedEventAgainAfterFailedHandler: a handler that fails on a nested
// event gets it again at the next poll; the graph does not move past it.
func TestNestedEventAgainAfterFailedHandler(t *testing.T) {
	f := newFixture(t, dirtest.OpenLDAP(t), watch.NewMemoryState(), watch.Options{})
	u := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("retry")})
	keeper := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("keeper")})
	leaf := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("leaf"), u.DN)
	top := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("top"), keeper.DN)
	f.poll()
	must(t, f.c.AddToGroup(f.ctx, top, leaf))
	f.rec.fail = errors.New("handler down")
	if _, err := f.w.Poll(f.ctx); !errors.Is(err, watch.ErrHandler) {
		t.Fatalf("poll with a failing handler: %v, want ErrHandler", err)
	}
	f.rec.fail = nil
	nestedOnly(t, f.poll(), map[string]directory.User{u.ID: u}, top, true)
}
