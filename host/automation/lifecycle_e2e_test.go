package automation_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// clockifyEnv is the sandbox and the real connector plugin talking to it.
type clockifyEnv struct {
	sb   *sandbox.Server
	exec *executor
}

func startClockify(t testing.TB, rate float64) *clockifyEnv {
	t.Helper()
	return startClockifyWith(t, rate, nil)
}

// startClockifyWith is startClockify with integration settings beyond the
// connection, such as the roles table.
func startClockifyWith(t testing.TB, rate float64, extra map[string]string) *clockifyEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sb, err := sandbox.Start(ctx, sandbox.Options{Rate: rate})
	if err != nil {
		t.Fatalf("start the Clockify sandbox: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	conn := connectortest.Plugin(t, pluginPath)
	settings := map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
		clockify.SettingBaseURL:     sb.BaseURL(),
		clockify.SettingAPIKey:      sandbox.DefaultAdminKey,
	}
	maps.Copy(settings, extra)
	ex, err := newExecutor(ctx, conn, settings)
	if err != nil {
		t.Fatalf("prepare the templates: %v", err)
	}
	return &clockifyEnv{sb: sb, exec: ex}
}

// call sends one request to the sandbox's workspace API as its admin and
// decodes a JSON answer into out (nil: none expected).
func (c *clockifyEnv) call(t testing.TB, method, path, body string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, c.sb.BaseURL()+"/v1/workspaces/"+sandbox.DefaultWorkspaceID+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Api-Key", sandbox.DefaultAdminKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d", method, path, resp.StatusCode, want)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// createProject makes a project in the sandbox's workspace through its
// API and returns its id.
func (c *clockifyEnv) createProject(t testing.TB, name string) string {
	t.Helper()
	var p struct {
		ID string `json:"id"`
	}
	c.call(t, http.MethodPost, "/projects", `{"name":"`+name+`"}`, http.StatusCreated, &p)
	return p.ID
}

// member is the sandbox's record of the person with email, if any.
func (c *clockifyEnv) member(email string) (sandbox.User, bool) {
	for _, u := range c.sb.Users(sandbox.DefaultWorkspaceID) {
		if strings.EqualFold(u.Email, email) {
			return u, true
		}
	}
	return sandbox.User{}, false
}

// groupsOf names the groups whose members include userID.
func (c *clockifyEnv) groupsOf(userID string) []string {
	var out []string
	for _, g := range c.sb.Groups(sandbox.DefaultWorkspaceID) {
		for _, id := range g.UserIDs {
			if id == userID {
				out = append(out, g.Name)
			}
		}
	}
	return out
}

// lifecycle wires the four shipped templates to automations on the OU
// "in": the configuration an admin makes from the extension's templates.
func lifecycle(f *fixture, scope automation.Scope) {
	f.create(eventAutomation("Clockify onboarding", "clockify-onboarding", scope, watch.UserCreated, automation.ScopeEntered))
	f.create(eventAutomation("Clockify move", "clockify-move", scope, watch.UserChanged))
	f.create(eventAutomation("Clockify offboarding", "clockify-offboarding", scope, watch.UserDisabled, watch.UserDeleted, automation.ScopeLeft))
	f.create(eventAutomation("Clockify return", "clockify-return", scope, watch.UserReEnabled))
}

func (f *fixture) pollClean(c *clockifyEnv) {
	f.t.Helper()
	f.poll()
	if fails := c.exec.failures(); len(fails) > 0 {
		f.t.Fatalf("template runs failed:\n%s", strings.Join(fails, "\n"))
	}
}

// TestLifecycleEndToEnd drives the four lifecycle flows by real changes in
// the directory and checks Clockify's state in the sandbox after each:
// the watcher sees the change, the automation service decides, the
// shipped template runs through the real connector process.
func TestLifecycleEndToEnd(t *testing.T) {
	everyDirectory(t, func(t *testing.T, c *directory.Client) {
		cl := startClockify(t, 0)
		f := newFixture(t, c, automation.Config{Runner: cl.exec, Templates: cl.exec})
		lifecycle(f, automation.Scope{OU: f.in, Subtree: true})
		dept := dirtest.UniqueName("Research")
		newDept := dirtest.UniqueName("Support")

		// Onboarding: created in scope → in the workspace and the
		// department's group, which is created for them.
		u := f.user(f.in, "eve", map[string][]string{"department": {dept}})
		mail := u.Get("mail")
		f.pollClean(cl)
		m, ok := cl.member(mail)
		if !ok {
			t.Fatalf("onboarding: %s is not in the workspace", mail)
		}
		if m.MembershipStatus == "INACTIVE" {
			t.Fatalf("onboarding: membership %s", m.MembershipStatus)
		}
		if g := cl.groupsOf(m.ID); len(g) != 1 || g[0] != dept {
			t.Fatalf("onboarding: groups %v, want [%s]", g, dept)
		}

		// Move: the department changes → the group follows.
		must(t, c.Modify(f.ctx, u.DN, directory.Replace("department", newDept)))
		f.pollClean(cl)
		if g := cl.groupsOf(m.ID); len(g) != 1 || g[0] != newDept {
			t.Fatalf("move: groups %v, want [%s]", g, newDept)
		}

		// Offboarding: disabled → deactivated.
		must(t, c.Disable(f.ctx, u.DN))
		f.pollClean(cl)
		if m, _ = cl.member(mail); m.MembershipStatus != "INACTIVE" {
			t.Fatalf("offboarding: membership %s, want INACTIVE", m.MembershipStatus)
		}

		// Return: re-enabled → activated.
		must(t, c.Enable(f.ctx, u.DN))
		f.pollClean(cl)
		if m, _ = cl.member(mail); m.MembershipStatus != "ACTIVE" {
			t.Fatalf("return: membership %s, want ACTIVE", m.MembershipStatus)
		}

		// Offboarding: moved out of the scope's OU → deactivated.
		_, err := c.Move(f.ctx, u.DN, f.out)
		must(t, err)
		f.pollClean(cl)
		if m, _ = cl.member(mail); m.MembershipStatus != "INACTIVE" {
			t.Fatalf("leaving scope: membership %s, want INACTIVE", m.MembershipStatus)
		}

		// Onboarding runs again for an existing group without a second
		// group of that name.
		v := f.user(f.in, "vic", map[string][]string{"department": {newDept}})
		f.pollClean(cl)
		vm, ok := cl.member(v.Get("mail"))
		if !ok {
			t.Fatal("second onboarding: not in the workspace")
		}
		if g := cl.groupsOf(vm.ID); len(g) != 1 || g[0] != newDept {
			t.Fatalf("second onboarding: groups %v", g)
		}
		n := 0
		for _, g := range cl.sb.Groups(sandbox.DefaultWorkspaceID) {
			if g.Name == newDept {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d groups named %s", n, newDept)
		}
	})
}

// TestTriggerKindsEndToEnd: the onboarding template reaches Clockify by
// each trigger kind: an AD event, a schedule ("@every 1s") and apply-now.
func TestTriggerKindsEndToEnd(t *testing.T) {
	directories(t, func(t *testing.T, c *directory.Client) {
		cl := startClockify(t, 0)
		f := newFixture(t, c, automation.Config{Runner: cl.exec, Templates: cl.exec})
		sched, err := c.CreateOU(f.ctx, f.root, "scheduled")
		must(t, err)
		manual, err := c.CreateOU(f.ctx, f.root, "manual")
		must(t, err)
		onboarding := automation.Action{Template: "clockify-onboarding"}

		f.create(eventAutomation("By event", "clockify-onboarding", automation.Scope{OU: f.in}, automation.ScopeEntered))
		byTime := f.create(automation.Automation{Name: "By schedule", Enabled: true, Scope: automation.Scope{OU: sched},
			Trigger: automation.Trigger{Type: automation.TriggerSchedule, Schedule: "@every 1s"}, Action: onboarding})
		man := f.create(automation.Automation{Name: "By hand", Scope: automation.Scope{OU: manual},
			Trigger: automation.Trigger{Type: automation.TriggerManual}, Action: onboarding})

		ev := f.user(f.in, "evt", map[string][]string{"department": {"Events"}})
		sc := f.user(sched, "sch", map[string][]string{"department": {"Nightly"}})
		mn := f.user(manual, "man", map[string][]string{"department": {"Manual"}})

		f.pollClean(cl)
		if _, ok := cl.member(ev.Get("mail")); !ok {
			t.Error("event trigger: the user was not onboarded")
		}
		if _, ok := cl.member(mn.Get("mail")); ok {
			t.Fatal("a manual automation ran without being applied")
		}

		// The schedule loop stops after its first run has finished (not
		// when the user first shows in the workspace, while the run is
		// still creating the group); Run returns only after any run it
		// started meanwhile has been handed over.
		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan error, 1)
		go func() { done <- f.svc.Run(ctx) }()
		cl.exec.waitRuns(t, byTime.ID, 1)
		cancel()
		<-done
		if m, ok := cl.member(sc.Get("mail")); !ok {
			t.Error("schedule trigger: a scheduled run finished without onboarding the user")
		} else if g := cl.groupsOf(m.ID); len(g) != 1 || g[0] != "Nightly" {
			t.Errorf("schedule trigger: groups %v", g)
		}

		grp, err := c.CreateGroup(f.ctx, manual, dirtest.UniqueName("manual-grp"), mn.DN)
		must(t, err)
		res, err := f.svc.ApplyNow(f.ctx, man.ID, automation.ApplyRequest{Groups: []string{grp}})
		must(t, err)
		if res.Objects != 1 {
			t.Fatalf("apply-now covered %d users", res.Objects)
		}
		if m, ok := cl.member(mn.Get("mail")); !ok {
			t.Error("apply-now: the user was not onboarded")
		} else if g := cl.groupsOf(m.ID); len(g) != 1 || g[0] != "Manual" {
			t.Errorf("apply-now: groups %v", g)
		}
		if fails := cl.exec.failures(); len(fails) > 0 {
			t.Fatalf("template runs failed:\n%s", strings.Join(fails, "\n"))
		}
	})
}
