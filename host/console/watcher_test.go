package console

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/watch"
)

// watcherFake answers GET /v1/watcher with whatever st holds.
type watcherFake struct{ st watch.Status }

func (f *watcherFake) Routes() []api.Route {
	return []api.Route{{Method: "GET", Pattern: "/v1/watcher", MinRole: api.RoleAuditor, Summary: "Show the change watcher's state",
		Response: watch.Status{}, Handler: func(*api.Call) (any, error) { return f.st, nil }}}
}

var watcherStateRe = regexp.MustCompile(`(?s)<p id="watcher-state" class="([^"]*)" data-state="([^"]*)">(.*?)</p>`)

// TestOverviewWatcherIsGreenOnlyWhileItSeesChanges renders the overview's
// watcher card in each state of the watcher: green "Watching" only while it
// runs and its last poll read the directory; red with the reason and what to
// do while polls fail or it is stuck; neither before its first poll.
func TestOverviewWatcherIsGreenOnlyWhileItSeesChanges(t *testing.T) {
	fake := &watcherFake{}
	f := newFixture(t, fake)
	b, _ := f.signIn(t, api.RoleAuditor)
	now := time.Now().UTC().Truncate(time.Second)
	base := watch.Status{Running: true, Mode: "poll", Directory: "ldaps://dc1.example.com", Base: "DC=example,DC=com",
		Interval: "2s", Since: now.Add(-time.Hour)}
	card := func(t *testing.T, st watch.Status) (class, state, text string) {
		t.Helper()
		fake.st = st
		code, page := get(t, b, f.srv.URL+"/")
		if code != 200 {
			t.Fatalf("the overview answered %d", code)
		}
		m := watcherStateRe.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the overview has no watcher state: %.2000s", page)
		}
		return m[1], m[2], html.UnescapeString(strings.Join(strings.Fields(m[3]), " "))
	}

	t.Run("watching", func(t *testing.T) {
		st := base
		st.LastPoll = now.Add(-time.Second)
		class, state, text := card(t, st)
		if class != "yes" || state != "watching" || !strings.HasPrefix(text, "Watching DC=example,DC=com on ldaps://dc1.example.com") {
			t.Fatalf("a watcher whose last poll succeeded: %s %s %q", class, state, text)
		}
	})
	t.Run("failing", func(t *testing.T) {
		st := base
		st.LastPoll = now.Add(-10 * time.Minute)
		st.PollsFailingSince = now.Add(-9 * time.Minute)
		st.PollError = "bind failed: Invalid Credentials"
		st.PollFix = "Check the bind account (a full DN or user@REALM) and its password, and that the account is enabled."
		class, state, text := card(t, st)
		want := "Not seeing changes: polls of ldaps://dc1.example.com failing since " + st.PollsFailingSince.Format("15:04 MST") +
			": bind failed: Invalid Credentials. Check the bind account (a full DN or user@REALM) and its password, and that the account is enabled."
		if class != "no" || state != "failing" || !strings.HasPrefix(text, want) || strings.Contains(text, "Watching") {
			t.Fatalf("a watcher whose polls fail: %s %s %q; want red, starting %q", class, state, text, want)
		}
	})
	t.Run("stuck", func(t *testing.T) {
		st := base
		st.LastPoll = now.Add(-20 * time.Minute)
		st.Stuck = true
		class, state, text := card(t, st)
		if class != "no" || state != "stuck" || !strings.HasPrefix(text, "Not seeing changes: no poll of ldaps://dc1.example.com has completed since "+st.LastPoll.Format("15:04 MST")) {
			t.Fatalf("a stuck watcher: %s %s %q", class, state, text)
		}
	})
	t.Run("starting", func(t *testing.T) {
		class, state, text := card(t, base)
		if class == "yes" || state != "starting" || !strings.HasPrefix(text, "Starting: the first poll") {
			t.Fatalf("a watcher before its first poll: %s %s %q", class, state, text)
		}
	})
	t.Run("stopped", func(t *testing.T) {
		st := base
		st.Running = false
		class, state, text := card(t, st)
		if class != "no" || state != "stopped" || !strings.HasPrefix(text, "Stopped") {
			t.Fatalf("a stopped watcher: %s %s %q", class, state, text)
		}
	})
	t.Run("handler failing", func(t *testing.T) {
		st := base
		st.LastPoll = now
		st.LastError, st.LastErrorAt = "the automation store is full", now
		if class, state, _ := card(t, st); class != "no" || state != "watching" {
			t.Fatalf("a watcher that fails to pass changes on: %s %s; want red", class, state)
		}
	})
}

// TestWatcherCardWritesOlderTimesWithTheirDate: a failure that began days
// ago is not told by its hour alone.
func TestWatcherCardWritesOlderTimesWithTheirDate(t *testing.T) {
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	c := watcherCard{now: now}
	if got := c.At(now.Add(-2 * time.Hour)); got != "08:00 UTC" {
		t.Fatalf("two hours ago = %q", got)
	}
	if got := c.At(now.Add(-50 * time.Hour)); got != "2 Mar 2026 08:00 UTC" {
		t.Fatalf("two days ago = %q", got)
	}
}
