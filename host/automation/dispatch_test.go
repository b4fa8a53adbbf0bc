package automation_test

import (
	"errors"

	"github.com/go-ldap/ldap/v3"
	"slices"
	"testing"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/watch"
)

// lifecycleAutomations are the four lifecycle automations over scope.
func lifecycleAutomations(f *fixture, scope automation.Scope) {
	f.create(eventAutomation("Onboard", "onboard", scope, watch.UserCreated, automation.ScopeEntered))
	f.create(eventAutomation("Move", "move", scope, watch.UserChanged))
	f.create(eventAutomation("Offboard", "offboard", scope, watch.UserDisabled, watch.UserDeleted, automation.ScopeLeft))
	f.create(eventAutomation("Return", "return", scope, watch.UserReEnabled))
}

// TestLifecycleEventsByOU drives each lifecycle event by a real change in
// the directory and checks which automation starts, for whom, and with
// what it knows.
func TestLifecycleEventsByOU(t *testing.T) {
	everyDirectory(t, func(t *testing.T, c *directory.Client) {
		f := newFixture(t, c, automation.Config{})
		lifecycleAutomations(f, automation.Scope{OU: f.in, Subtree: true})

		u := f.user(f.in, "ann", map[string][]string{"department": {"Sales"}})
		f.poll()
		r := f.expectRuns(u.ID, "onboard")["onboard"]
		if r.Trigger != automation.RunByEvent || r.Template != "onboard" {
			t.Errorf("onboarding request %+v", r)
		}
		if got := r.Objects[0].Events; !slices.Equal(got, []watch.Kind{watch.UserCreated, automation.ScopeEntered}) {
			t.Errorf("onboarding events %v", got)
		}

		must(t, c.Modify(f.ctx, u.DN, directory.Replace("department", "Support")))
		f.poll()
		mv := f.expectRuns(u.ID, "move")["move"].Objects[0]
		if got := mv.Previous["department"]; !slices.Equal(got, []string{"Sales"}) {
			t.Errorf("move sees previous department %v, want [Sales]", got)
		}
		if got := (directory.User{Attributes: mv.Attributes}).Get("department"); got != "Support" {
			t.Errorf("move sees department %q, want Support", got)
		}

		must(t, c.Disable(f.ctx, u.DN))
		f.poll()
		f.expectRuns(u.ID, "offboard")

		must(t, c.Enable(f.ctx, u.DN))
		f.poll()
		f.expectRuns(u.ID, "return")

		// A move within the subtree is no crossing: nothing runs.
		sub, err := c.CreateOU(f.ctx, f.in, "sub")
		must(t, err)
		dn, err := c.Move(f.ctx, u.DN, sub)
		must(t, err)
		f.poll()
		f.expectRuns(u.ID)

		// Out of the OU: offboarding, as scope.left.
		dn, err = c.Move(f.ctx, dn, f.out)
		must(t, err)
		f.poll()
		off := f.expectRuns(u.ID, "offboard")["offboard"].Objects[0]
		if !slices.Equal(off.Events, []watch.Kind{automation.ScopeLeft}) || !sameDN(off.DN, dn) {
			t.Errorf("leaving the OU: %+v", off)
		}

		// Changes outside the scope concern nobody.
		must(t, c.Modify(f.ctx, dn, directory.Replace("department", "Legal")))
		f.poll()
		f.expectRuns(u.ID)

		// Back in: onboarding again, as scope.entered.
		_, err = c.Move(f.ctx, dn, f.in)
		must(t, err)
		f.poll()
		on := f.expectRuns(u.ID, "onboard")["onboard"].Objects[0]
		if !slices.Equal(on.Events, []watch.Kind{automation.ScopeEntered}) {
			t.Errorf("entering the OU: events %v", on.Events)
		}
	})
}

// TestGroupScope: joining the scope's group is onboarding, leaving it
// offboarding, for direct and nested members.
func TestGroupScope(t *testing.T) {
	directories(t, func(t *testing.T, c *directory.Client) {
		f := newFixture(t, c, automation.Config{})
		outer, err := c.CreateGroup(f.ctx, f.root, "clockify-users")
		must(t, err)
		inner, err := c.CreateGroup(f.ctx, f.root, "clockify-team")
		must(t, err)
		must(t, c.AddToGroup(f.ctx, outer, inner))
		f.create(eventAutomation("Direct on", "onboard", automation.Scope{Group: outer}, automation.ScopeEntered))
		f.create(eventAutomation("Direct off", "offboard", automation.Scope{Group: outer}, automation.ScopeLeft))
		f.create(eventAutomation("Nested on", "onboard", automation.Scope{Group: outer, Nested: true}, automation.ScopeEntered))

		u := f.user(f.out, "gus", nil)
		f.poll()
		f.expectRuns(u.ID) // not a member of anything yet

		must(t, c.AddToGroup(f.ctx, inner, u.DN))
		f.poll()
		f.expectRuns(u.ID, "nested-on")

		must(t, c.AddToGroup(f.ctx, outer, u.DN))
		f.poll()
		f.expectRuns(u.ID, "direct-on")

		must(t, c.RemoveFromGroup(f.ctx, outer, u.DN))
		f.poll()
		f.expectRuns(u.ID, "direct-off")
	})
}

// TestFilterScope: a change that makes the filter match is an arrival, one
// that makes it fail a departure, and a deletion of a user in scope is
// both deleted and scope.left.
func TestFilterScope(t *testing.T) {
	everyDirectory(t, func(t *testing.T, c *directory.Client) {
		f := newFixture(t, c, automation.Config{})
		scope := automation.Scope{OU: f.root, Subtree: true, Filter: "(department=Engineering)"}
		f.create(eventAutomation("On", "onboard", scope, automation.ScopeEntered))
		f.create(eventAutomation("Off", "offboard", scope, automation.ScopeLeft, watch.UserDeleted))

		u := f.user(f.in, "fay", map[string][]string{"department": {"Sales"}})
		f.poll()
		f.expectRuns(u.ID)

		must(t, c.Modify(f.ctx, u.DN, directory.Replace("department", "Engineering")))
		f.poll()
		f.expectRuns(u.ID, "on")

		must(t, c.Modify(f.ctx, u.DN, directory.Replace("department", "Sales")))
		f.poll()
		f.expectRuns(u.ID, "off")

		must(t, c.Modify(f.ctx, u.DN, directory.Replace("department", "Engineering")))
		f.poll()
		f.expectRuns(u.ID, "on")

		must(t, c.Delete(f.ctx, u.DN, false))
		for range 12 { // on OpenLDAP the delete shows at the sweep (here: every poll)
			f.poll()
			if got := f.runs.take(); len(got) > 0 {
				off := got[0].Objects[0]
				if got[0].Automation != "off" || !slices.Equal(off.Events, []watch.Kind{watch.UserDeleted, automation.ScopeLeft}) {
					t.Fatalf("deletion started %s with %v", got[0].Automation, off.Events)
				}
				if (directory.User{Attributes: off.Attributes}).Get("mail") == "" {
					t.Errorf("a deleted user's run has no mail to find the account by: %+v", off)
				}
				return
			}
		}
		t.Fatal("deleting a user in scope started no run")
	})
}

// TestExistingUsersAreNotOnboarded: an automation learns who is in scope
// when it is created, so only later arrivals count.
func TestExistingUsersAreNotOnboarded(t *testing.T) {
	directories(t, func(t *testing.T, c *directory.Client) {
		f := newFixture(t, c, automation.Config{})
		old := f.user(f.in, "old", nil)
		f.poll()
		lifecycleAutomations(f, automation.Scope{OU: f.in})
		must(t, c.Modify(f.ctx, old.DN, directory.Replace("title", "Boss")))
		f.poll()
		f.expectRuns(old.ID, "move")
	})
}

// TestFailedStartIsRedelivered: when the runner fails, the watcher gets
// the error and the next poll sees the same arrival.
func TestFailedStartIsRedelivered(t *testing.T) {
	f := newFixture(t, demoClient(t), automation.Config{})
	f.create(eventAutomation("On", "onboard", automation.Scope{OU: f.in}, automation.ScopeEntered))
	f.runs.fail = errors.New("engine down")
	u := f.user(f.in, "rex", nil)
	if _, err := f.w.Poll(f.ctx); !errors.Is(err, watch.ErrHandler) {
		t.Fatalf("poll with a failing runner: %v, want ErrHandler", err)
	}
	f.runs.fail = nil
	f.poll()
	f.expectRuns(u.ID, "on")
}

func TestDisabledAutomationDoesNotRun(t *testing.T) {
	f := newFixture(t, demoClient(t), automation.Config{})
	a := f.create(eventAutomation("On", "onboard", automation.Scope{OU: f.in}, automation.ScopeEntered))
	_, err := f.svc.SetEnabled(f.ctx, a.ID, false)
	must(t, err)
	u := f.user(f.in, "ivy", nil)
	f.poll()
	f.expectRuns(u.ID)
}

func sameDN(a, b string) bool {
	x, err1 := ldap.ParseDN(a)
	y, err2 := ldap.ParseDN(b)
	return err1 == nil && err2 == nil && x.EqualFold(y)
}

// TestRedeliveredChangeAsksForTheSameRun: the watcher delivers at least
// once; a change delivered twice asks the engine for the same run id, so
// it runs once.
func TestRedeliveredChangeAsksForTheSameRun(t *testing.T) {
	f := newFixture(t, demoClient(t), automation.Config{})
	f.create(eventAutomation("On", "onboard", automation.Scope{OU: f.in}, watch.UserCreated, automation.ScopeEntered))
	u := f.user(f.in, "dup", nil)
	e := watch.Event{Kind: watch.UserCreated, ID: u.ID, DN: u.DN, Attributes: u.Attributes, Enabled: true}
	must(t, f.svc.Dispatch(f.ctx, e))
	must(t, f.svc.Dispatch(f.ctx, e))
	got := f.runs.take()
	if len(got) != 2 || got[0].ID == "" || got[0].ID != got[1].ID {
		t.Fatalf("run ids %q and %q; want one non-empty id for one change", got[0].ID, got[1].ID)
	}
	// Another change of the same user (its stamp moved on) is another run.
	e.Attributes = map[string][]string{"uSNChanged": {"999999"}, "mail": u.Values("mail")}
	must(t, f.svc.Dispatch(f.ctx, e))
	if again := f.runs.take(); len(again) != 1 || again[0].ID == got[0].ID {
		t.Fatalf("a later change reused the run id: %+v", again)
	}
}
