package automation_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/watch"
)

// TestScheduleRunsForEveryoneInScope: an "@every 1s" automation runs its
// template for every user in scope, again and again, and stops when
// disabled.
func TestScheduleRunsForEveryoneInScope(t *testing.T) {
	directories(t, func(t *testing.T, c *directory.Client) {
		f := newFixture(t, c, automation.Config{})
		a := f.user(f.in, "sam", nil)
		b := f.user(f.in, "sue", nil)
		f.user(f.out, "zed", nil)
		sch := f.create(automation.Automation{Name: "Nightly", Enabled: true, Scope: automation.Scope{OU: f.in},
			Trigger: automation.Trigger{Type: automation.TriggerSchedule, Schedule: "@every 1s"},
			Action:  automation.Action{Template: "onboard"}})
		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan error, 1)
		go func() { done <- f.svc.Run(ctx) }()
		defer func() { cancel(); <-done }()

		var got []automation.RunRequest
		deadline := time.Now().Add(5 * time.Second)
		for len(got) < 2 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			got = append(got, f.runs.take()...)
		}
		if len(got) < 2 {
			t.Fatalf("%d scheduled runs in 5s, want at least 2 at @every 1s", len(got))
		}
		for _, r := range got {
			var ids []string
			for _, o := range r.Objects {
				ids = append(ids, o.ID)
			}
			slices.Sort(ids)
			want := []string{a.ID, b.ID}
			slices.Sort(want)
			if r.Trigger != automation.RunBySchedule || !slices.Equal(ids, want) {
				t.Fatalf("scheduled run %s for %v, want %v", r.Trigger, ids, want)
			}
		}
		_, err := f.svc.SetEnabled(f.ctx, sch.ID, false)
		must(t, err)
		time.Sleep(500 * time.Millisecond) // a run listing its scope at the switch may still land
		f.runs.take()
		time.Sleep(1500 * time.Millisecond)
		if n := len(f.runs.take()); n != 0 {
			t.Fatalf("%d runs after the schedule was disabled", n)
		}
	})
}

// TestApplyNow runs an automation for chosen users (by DN and by id) and
// the members of a chosen group, each once.
func TestApplyNow(t *testing.T) {
	directories(t, func(t *testing.T, c *directory.Client) {
		f := newFixture(t, c, automation.Config{})
		a := f.user(f.in, "amy", nil)
		b := f.user(f.out, "bob", nil)
		m := f.user(f.out, "meg", nil)
		grp, err := c.CreateGroup(f.ctx, f.root, "apply-grp", m.DN, a.DN)
		must(t, err)
		man := f.create(automation.Automation{Name: "Manual", Scope: automation.Scope{OU: f.in},
			Trigger: automation.Trigger{Type: automation.TriggerManual}, Action: automation.Action{Template: "onboard"}})

		res, err := f.svc.ApplyNow(f.ctx, man.ID, automation.ApplyRequest{Users: []string{a.DN, b.ID}, Groups: []string{grp}})
		must(t, err)
		if res.Objects != 3 || len(res.Runs) != 1 || res.Held {
			t.Fatalf("apply-now result %+v, want 3 users in one run", res)
		}
		reqs := f.runs.take()
		if len(reqs) != 1 || reqs[0].Trigger != automation.RunByApplyNow {
			t.Fatalf("requests %+v", reqs)
		}
		var ids []string
		for _, o := range reqs[0].Objects {
			ids = append(ids, o.ID)
		}
		slices.Sort(ids)
		want := []string{a.ID, b.ID, m.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("apply-now ran for %v, want %v", ids, want)
		}

		if _, err := f.svc.ApplyNow(f.ctx, man.ID, automation.ApplyRequest{}); !errors.Is(err, automation.ErrNoObjects) {
			t.Fatalf("apply-now to nobody: %v", err)
		}
		if _, err := f.svc.ApplyNow(f.ctx, man.ID, automation.ApplyRequest{Users: []string{"CN=ghost," + f.in}}); !errors.Is(err, directory.ErrNotFound) {
			t.Fatalf("apply-now to a missing user: %v", err)
		}
		if _, err := f.svc.ApplyNow(f.ctx, "nope", automation.ApplyRequest{Users: []string{a.DN}}); !errors.Is(err, automation.ErrNotFound) {
			t.Fatalf("apply-now of a missing automation: %v", err)
		}
	})
}

// integrationSwitch is an integrations service stand-in.
type integrationSwitch struct{ on map[string]bool }

func (s *integrationSwitch) IntegrationEnabled(_ context.Context, id string) (bool, error) {
	return s.on[id], nil
}

// TestPausedWhileIntegrationDisabled: while the integration is disabled,
// what the automation would run is held; when it is enabled again the
// held runs start, exactly once.
func TestPausedWhileIntegrationDisabled(t *testing.T) {
	sw := &integrationSwitch{on: map[string]bool{"clockify": true}}
	f := newFixture(t, demoClient(t), automation.Config{Integrations: sw})
	on := f.create(eventAutomation("On", "onboard", automation.Scope{OU: f.in}, automation.ScopeEntered))

	sw.on["clockify"] = false
	must(t, f.svc.OnDisabled(f.ctx, "clockify"))
	if by, err := f.svc.Paused(f.ctx, on.ID); err != nil || by != "clockify" {
		t.Fatalf("Paused = %q, %v", by, err)
	}
	u := f.user(f.in, "hal", nil)
	f.poll()
	f.expectRuns(u.ID) // held, not started
	res, err := f.svc.ApplyNow(f.ctx, on.ID, automation.ApplyRequest{Users: []string{u.DN}})
	must(t, err)
	if !res.Held || len(res.Runs) != 0 {
		t.Fatalf("apply-now while paused: %+v", res)
	}
	must(t, f.svc.ResumeHeld(f.ctx)) // still disabled: nothing starts
	f.expectRuns(u.ID)

	sw.on["clockify"] = true
	must(t, f.svc.OnEnabled(f.ctx, "clockify"))
	got := f.runs.take()
	if len(got) != 2 {
		t.Fatalf("%d runs after resuming, want the held event run and the held apply-now", len(got))
	}
	must(t, f.svc.ResumeHeld(f.ctx))
	f.expectRuns(u.ID) // each held run started once
}

// TestObserverAlonePauses: without a live integration check, OnDisabled
// and OnEnabled alone pause and resume.
func TestObserverAlonePauses(t *testing.T) {
	f := newFixture(t, demoClient(t), automation.Config{})
	f.create(eventAutomation("On", "onboard", automation.Scope{OU: f.in}, automation.ScopeEntered, watch.UserCreated))
	must(t, f.svc.OnDisabled(f.ctx, "clockify"))
	u := f.user(f.in, "kim", nil)
	f.poll()
	f.expectRuns(u.ID)
	must(t, f.svc.OnEnabled(f.ctx, "clockify"))
	f.expectRuns(u.ID, "on")
}
