//go:build linux

package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/app"
)

// TestWatchModes: --watch off runs no watcher, poll runs one, dirsync is
// refused on a directory that does not offer DirSync (the demo directory
// looks like AD but has no DirSync), and an unknown mode is refused
// with the values that work.
func TestWatchModes(t *testing.T) {
	open := func(mode string) (*app.App, error) {
		return app.New(context.Background(), app.Options{DataDir: t.TempDir(), DemoDirectory: true, WatchMode: mode})
	}
	for _, c := range []struct {
		mode    string
		watcher bool
	}{{"", true}, {app.WatchPoll, true}, {app.WatchOff, false}} {
		a, err := open(c.mode)
		if err != nil {
			t.Fatalf("--watch %q: %v", c.mode, err)
		}
		if got := a.Services.Watcher != nil; got != c.watcher || a.Services.Automations == nil {
			t.Errorf("--watch %q: watcher running %v, want %v (automations wired: %v)", c.mode, got, c.watcher, a.Services.Automations != nil)
		}
		a.Close()
	}
	for mode, want := range map[string]string{app.WatchDirSync: "does not offer DirSync", "sometimes": "use poll, dirsync or off"} {
		if a, err := open(mode); err == nil || !strings.Contains(err.Error(), want) {
			if a != nil {
				a.Close()
			}
			t.Errorf("--watch %s: %v, want an error saying %q", mode, err, want)
		}
	}
}
