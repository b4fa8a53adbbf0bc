package watch_test

import (
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/watch"
)

// TestOpenLDAPPollAtRestReadsNothing: after a bulk load gives many users
// the same modifyTimestamp second, a poll used to read all of them again,
// every poll. With entryCSN as the cursor a poll at rest reads nothing, and
// a change reads exactly the changed user.
func TestOpenLDAPPollAtRestReadsNothing(t *testing.T) {
	f := newFixture(t, dirtest.OpenLDAP(t), watch.NewMemoryState(), watch.Options{})
	users := dirtest.SeedUsers(t, f.c, f.ou, dirtest.UniqueName("bulk"), 12)
	if ev := f.poll(); len(ev) != 0 {
		t.Fatalf("first snapshot delivered %d events", len(ev))
	}
	if f.w.Cursor().CSN == "" {
		t.Fatalf("cursor %+v has no entryCSN", f.w.Cursor())
	}
	for i := range 2 {
		st, err := f.w.Poll(f.ctx)
		must(t, err)
		if st.Read != 0 || st.How != "idle" {
			t.Fatalf("poll %d at rest: %+v, want nothing read", i+1, st)
		}
	}
	one, err := f.c.GetUser(f.ctx, users[5])
	must(t, err)
	must(t, f.c.Modify(f.ctx, one.DN, directory.Replace("title", "Changed")))
	st, err := f.w.Poll(f.ctx)
	must(t, err)
	f.expect(f.rec.take(), one.ID, watch.UserChanged)
	if st.Read != 1 {
		t.Errorf("a change to one user read %d entries, want 1", st.Read)
	}
	if st, err := f.w.Poll(f.ctx); err != nil || st.Read != 0 {
		t.Errorf("poll after the change: %+v %v, want nothing read", st, err)
	}
}

// TestOpenLDAPSweepFindsDeletions: without a full compare, a sweep that
// reads only IDs finds a deleted user.
func TestOpenLDAPSweepFindsDeletions(t *testing.T) {
	f := newFixture(t, dirtest.OpenLDAP(t), watch.NewMemoryState(),
		watch.Options{SweepInterval: time.Nanosecond, FullCompareInterval: time.Hour})
	gone := dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("gone")})
	dirtest.AddUser(t, f.c, f.ou, dirtest.User{Name: dirtest.UniqueName("stay")})
	f.poll()
	must(t, f.c.Delete(f.ctx, gone.DN, false))
	st, err := f.w.Poll(f.ctx)
	must(t, err)
	f.expect(f.rec.take(), gone.ID, watch.UserDeleted)
	if st.How != "sweep" {
		t.Errorf("deletion found by a %q poll, want a sweep", st.How)
	}
}
