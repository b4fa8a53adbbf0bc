package watch_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/watch"
)

// recorder collects delivered events.
type recorder struct {
	mu     sync.Mutex
	events []watch.Event
	fail   error
}

func (r *recorder) handle(_ context.Context, e watch.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) take() []watch.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

type fixture struct {
	t   *testing.T
	ctx context.Context
	c   *directory.Client
	ou  string
	rec *recorder
	w   *watch.Watcher
}

func newFixture(t *testing.T, cfg directory.Config, state watch.State, opts watch.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), c: dirtest.Connect(t, cfg), rec: &recorder{}}
	f.ou = dirtest.NewOU(t, f.c)
	opts.Base = f.ou
	opts.Handler = f.rec.handle
	w, err := watch.New(f.c, state, opts)
	if err != nil {
		t.Fatal(err)
	}
	f.w = w
	return f
}

// poll runs one poll and returns its events.
func (f *fixture) poll() []watch.Event {
	f.t.Helper()
	if _, err := f.w.Poll(f.ctx); err != nil {
		f.t.Fatalf("poll: %v", err)
	}
	return f.rec.take()
}

// expect checks that events are exactly the kinds given, all for id.
func (f *fixture) expect(events []watch.Event, id string, kinds ...watch.Kind) []watch.Event {
	f.t.Helper()
	var got []watch.Kind
	for _, e := range events {
		got = append(got, e.Kind)
		if e.ID != id {
			f.t.Errorf("%s event for %s, want %s", e.Kind, e.ID, id)
		}
	}
	slices.Sort(got)
	want := slices.Clone(kinds)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		f.t.Fatalf("events %v, want %v", got, want)
	}
	return events
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// lifecycle drives every event kind by real changes and checks each.
func lifecycle(t *testing.T, f *fixture, pollsForDelete int) {
	ctx := f.ctx
	alice := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("alice")})
	inner, err := f.c.CreateOU(ctx, f.ou, "inner")
	must(t, err)
	group := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("grp"))
	if ev := f.poll(); len(ev) != 0 {
		t.Fatalf("first snapshot delivered %d events; starting a watcher is not a change", len(ev))
	}

	bob := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("bob")})
	ev := f.expect(f.poll(), bob.ID, watch.UserCreated)
	if ev[0].DN != bob.DN || ev[0].Attributes == nil || !ev[0].Enabled {
		t.Errorf("created event %+v", ev[0])
	}

	must(t, f.c.Modify(ctx, alice.DN, directory.Replace("title", "Manager"), directory.Replace("mail", "a2@example.test")))
	ev = f.expect(f.poll(), alice.ID, watch.UserChanged)
	if !slices.Equal(ev[0].Changed, []string{"mail", "title"}) {
		t.Errorf("changed attributes %v, want [mail title]", ev[0].Changed)
	}
	if got := (directory.User{Attributes: ev[0].Attributes}).Get("title"); got != "Manager" {
		t.Errorf("event attributes show title %q", got)
	}

	newDN, err := f.c.Move(ctx, alice.DN, inner)
	must(t, err)
	ev = f.expect(f.poll(), alice.ID, watch.UserMoved)
	if !strings.EqualFold(ev[0].OldDN, alice.DN) || !strings.EqualFold(ev[0].DN, newDN) ||
		!strings.EqualFold(ev[0].OU(), inner) || !strings.EqualFold(ev[0].OldOU(), f.ou) {
		t.Errorf("moved event old=%s new=%s ou=%s oldOU=%s", ev[0].OldDN, ev[0].DN, ev[0].OU(), ev[0].OldOU())
	}

	must(t, f.c.Disable(ctx, newDN))
	f.expect(f.poll(), alice.ID, watch.UserDisabled)
	must(t, f.c.Enable(ctx, newDN))
	f.expect(f.poll(), alice.ID, watch.UserReEnabled)

	must(t, f.c.AddToGroup(ctx, group, newDN))
	ev = f.expect(f.poll(), alice.ID, watch.GroupMembershipChanged)
	if len(ev[0].GroupsAdded) != 1 || !strings.EqualFold(ev[0].GroupsAdded[0], group) || len(ev[0].GroupsRemoved) != 0 {
		t.Errorf("membership added=%v removed=%v", ev[0].GroupsAdded, ev[0].GroupsRemoved)
	}
	must(t, f.c.RemoveFromGroup(ctx, group, newDN))
	ev = f.expect(f.poll(), alice.ID, watch.GroupMembershipChanged)
	if len(ev[0].GroupsRemoved) != 1 || !strings.EqualFold(ev[0].GroupsRemoved[0], group) {
		t.Errorf("membership removed=%v", ev[0].GroupsRemoved)
	}

	must(t, f.c.Delete(ctx, bob.DN, false))
	var got []watch.Event
	for i := 0; i < pollsForDelete && len(got) == 0; i++ {
		got = f.poll()
	}
	ev = f.expect(got, bob.ID, watch.UserDeleted)
	if !strings.EqualFold(ev[0].DN, bob.DN) {
		t.Errorf("deleted event DN %s", ev[0].DN)
	}

	// Leaving the watched base is a move; after it the user is forgotten.
	elsewhere := dirtest.NewOU(t, f.c)
	outDN, err := f.c.Move(ctx, newDN, elsewhere)
	must(t, err)
	ev = f.expect(f.poll(), alice.ID, watch.UserMoved)
	if !strings.EqualFold(ev[0].DN, outDN) {
		t.Errorf("moved out to %s, event says %s", outDN, ev[0].DN)
	}
	must(t, f.c.Modify(ctx, outDN, directory.Replace("title", "Gone")))
	f.expect(f.poll(), alice.ID) // nothing
}

func TestADEventsFromRealChanges(t *testing.T) {
	f := newFixture(t, dirtest.AD(t), watch.NewMemoryState(), watch.Options{})
	lifecycle(t, f, 1)
	if f.w.Cursor().USN == 0 || f.w.Cursor().InvocationID == "" {
		t.Errorf("cursor %+v", f.w.Cursor())
	}
}

func TestADDirSyncEventsFromRealChanges(t *testing.T) {
	f := newFixture(t, dirtest.AD(t), watch.NewMemoryState(), watch.Options{Mode: watch.ModeDirSync})
	lifecycle(t, f, 1)
	if len(f.w.Cursor().DirSyncCookie) == 0 {
		t.Errorf("cursor %+v has no DirSync cookie", f.w.Cursor())
	}
	st, err := f.w.Poll(f.ctx)
	must(t, err)
	if st.How != "dirsync" && st.How != "idle" {
		t.Errorf("poll in DirSync mode was %q", st.How)
	}
}

func TestOpenLDAPFallbackEventsFromRealChanges(t *testing.T) {
	// Deletions are seen by the periodic full compare: at most 3 polls.
	f := newFixture(t, dirtest.OpenLDAP(t), watch.NewMemoryState(), watch.Options{FullCompareEvery: 3})
	lifecycle(t, f, 3)
	if f.w.Cursor().Timestamp == "" {
		t.Errorf("cursor %+v has no timestamp", f.w.Cursor())
	}
}

func TestFullCompareMode(t *testing.T) {
	f := newFixture(t, dirtest.OpenLDAP(t), watch.NewMemoryState(), watch.Options{Mode: watch.ModeFullCompare})
	lifecycle(t, f, 1)
}

func TestRestoredDomainControllerTriggersFullCompare(t *testing.T) {
	state := watch.NewMemoryState()
	f := newFixture(t, dirtest.AD(t), state, watch.Options{})
	ctx := f.ctx
	keep := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("keep")})
	drop := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("drop")})
	f.poll()

	must(t, f.c.Modify(ctx, keep.DN, directory.Replace("department", "Sales")))
	must(t, f.c.Delete(ctx, drop.DN, false))
	// As if the DC had been restored: another invocationId, and a stored USN
	// beyond anything the DC has, so a delta query would find nothing.
	cur, err := state.LoadCursor(ctx)
	must(t, err)
	real := cur.InvocationID
	cur.InvocationID = "00000000-0000-0000-0000-000000000000"
	cur.USN += 1_000_000
	must(t, state.SaveCursor(ctx, cur))
	w, err := watch.New(f.c, state, watch.Options{Base: f.ou, Handler: f.rec.handle})
	must(t, err)

	st, err := w.Poll(ctx)
	must(t, err)
	if st.How != "full" {
		t.Errorf("poll after a restore was %q, want a full compare", st.How)
	}
	byKind := map[watch.Kind]string{}
	for _, e := range f.rec.take() {
		byKind[e.Kind] = e.ID
	}
	if byKind[watch.UserChanged] != keep.ID || byKind[watch.UserDeleted] != drop.ID || len(byKind) != 2 {
		t.Errorf("full compare events %v", byKind)
	}
	if w.Cursor().InvocationID != real {
		t.Errorf("cursor invocationId %s, want the DC's %s", w.Cursor().InvocationID, real)
	}
	// Back on the USN path afterwards.
	must(t, f.c.Modify(ctx, keep.DN, directory.Replace("title", "After")))
	st, err = w.Poll(ctx)
	must(t, err)
	if st.How != "usn" {
		t.Errorf("next poll was %q, want usn", st.How)
	}
	f.expect(f.rec.take(), keep.ID, watch.UserChanged)
}

func TestStatePersistsAcrossRestarts(t *testing.T) {
	docs := store.NewMemoryDocs()
	f := newFixture(t, dirtest.AD(t), watch.NewDocsState(docs, "ad"), watch.Options{})
	u := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("pers")})
	f.poll()

	must(t, f.c.Modify(f.ctx, u.DN, directory.Replace("title", "While down")))
	// A new watcher over the same store: no initial flood, and the change
	// made while it was down is delivered.
	rec := &recorder{}
	w, err := watch.New(f.c, watch.NewDocsState(docs, "ad"), watch.Options{Base: f.ou, Handler: rec.handle})
	must(t, err)
	st, err := w.Poll(f.ctx)
	must(t, err)
	if st.How != "usn" {
		t.Errorf("restarted watcher did %q, want usn", st.How)
	}
	f.expect(rec.take(), u.ID, watch.UserChanged)
}

func TestFailedHandlerGetsTheEventAgain(t *testing.T) {
	f := newFixture(t, dirtest.AD(t), watch.NewMemoryState(), watch.Options{})
	u := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("retry")})
	f.poll()
	must(t, f.c.Disable(f.ctx, u.DN))

	f.rec.fail = errors.New("queue full")
	if _, err := f.w.Poll(f.ctx); !errors.Is(err, watch.ErrHandler) {
		t.Fatalf("poll with a failing handler: %v", err)
	}
	f.rec.fail = nil
	f.expect(f.poll(), u.ID, watch.UserDisabled)
	f.expect(f.poll(), u.ID) // delivered once it succeeded, not again
}

func TestNewRejectsBadOptions(t *testing.T) {
	c := dirtest.Connect(t, dirtest.OpenLDAP(t))
	h := func(context.Context, watch.Event) error { return nil }
	for name, o := range map[string]watch.Options{
		"no handler":      {},
		"usn on ldap":     {Handler: h, Mode: watch.ModeUSN},
		"dirsync on ldap": {Handler: h, Mode: watch.ModeDirSync},
		"unknown mode":    {Handler: h, Mode: "dirsync2"},
	} {
		if _, err := watch.New(c, watch.NewMemoryState(), o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUserEnteringTheBaseIsAMove(t *testing.T) {
	f := newFixture(t, dirtest.AD(t), watch.NewMemoryState(), watch.Options{})
	outside := dirtest.NewOU(t, f.c)
	u := dirtest.AddUser(t, f.c, outside, dirtest.User{Name: dirtest.UniqueName("enter")})
	f.poll()
	newDN, err := f.c.Move(f.ctx, u.DN, f.ou)
	must(t, err)
	ev := f.expect(f.poll(), u.ID, watch.UserMoved)
	if ev[0].OldDN != "" || !strings.EqualFold(ev[0].DN, newDN) {
		t.Errorf("entered: old=%q new=%q, want old empty", ev[0].OldDN, ev[0].DN)
	}
}

func TestDirectoryDownThenBack(t *testing.T) {
	s := dirtest.StartSlapd(t)
	f := newFixture(t, s.Config, watch.NewMemoryState(), watch.Options{})
	u := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("down")})
	f.poll()

	s.Stop()
	if _, err := f.w.Poll(f.ctx); !errors.Is(err, directory.ErrUnavailable) {
		t.Fatalf("poll with the directory down: %v, want ErrUnavailable", err)
	}
	s.Restart(t)
	must(t, f.c.Disable(f.ctx, u.DN))
	f.expect(f.poll(), u.ID, watch.UserDisabled)
}

func TestDeletedGroupIsAMembershipChange(t *testing.T) {
	f := newFixture(t, dirtest.AD(t), watch.NewMemoryState(), watch.Options{})
	u := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("mem")})
	g := dirtest.AddGroup(t, f.c, f.ou, dirtest.UniqueName("doomed"), u.DN)
	f.poll()
	must(t, f.c.Delete(f.ctx, g, false))
	ev := f.expect(f.poll(), u.ID, watch.GroupMembershipChanged)
	if len(ev[0].GroupsRemoved) != 1 || !strings.EqualFold(ev[0].GroupsRemoved[0], g) {
		t.Errorf("removed %v, want [%s]", ev[0].GroupsRemoved, g)
	}
}
