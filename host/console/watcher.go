package console

import (
	"time"

	"github.com/idbridge/idbridge/host/watch"
)

// watcherCard is the overview's change watcher: green only while it sees
// the directory's changes and passes them on, red while it is stopped, its
// polls fail or it is stuck, neutral while its first poll runs. The
// sentence names the problem and what to do, as the console's other
// errors do. See decisions 0271 and 0286.
type watcherCard struct {
	watch.Status
	// now places the times: a time today is written as the hour alone.
	now time.Time
}

// The watcher card's states, also its element's data-state.
const (
	watcherWatching = "watching"
	watcherStarting = "starting"
	watcherFailing  = "failing"
	watcherStuck    = "stuck"
	watcherStopped  = "stopped"
)

// State says which of the card's sentences is true.
func (c watcherCard) State() string {
	switch {
	case !c.Running:
		return watcherStopped
	case c.Seeing():
		return watcherWatching
	case !c.PollsFailingSince.IsZero():
		return watcherFailing
	case c.Stuck:
		return watcherStuck
	}
	return watcherStarting // running, not failing, no poll completed yet
}

// Class is the state's colour: green only while changes are seen and
// the last one passed on went through.
func (c watcherCard) Class() string {
	switch c.State() {
	case watcherWatching:
		if c.LastError == "" {
			return "yes"
		}
	case watcherStarting:
		return "muted"
	}
	return "no"
}

// At writes t for the card: the hour and minute when it is within a day of
// now, with the date otherwise.
func (c watcherCard) At(t time.Time) string {
	if d := c.now.Sub(t); d < 24*time.Hour && d > -time.Hour {
		return t.Format("15:04 MST")
	}
	return t.Format("2 Jan 2006 15:04 MST")
}

// QuietSince is when the watcher last completed a poll, or started when
// none has completed since.
func (c watcherCard) QuietSince() time.Time {
	if c.LastPoll.IsZero() {
		return c.Since
	}
	return c.LastPoll
}
