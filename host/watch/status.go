package watch

import (
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/directory"
)

// Status is what GET /v1/watcher shows of the change watcher, for the
// console's overview: whether it runs, what it watches, whether its polls
// see the directory, and the last change it passed on, or the last failure
// to pass one on. It lives beside the watcher, not in the host's wiring, so
// API clients can name it. See decisions 0224, 0265 and 0286.
type Status struct {
	// Running is true while this host's watcher runs: hosts sharing a
	// store take turns, one at a time (it is false on the others).
	Running bool `json:"running"`
	// Mode is how it watches: poll, dirsync, or off (serve --watch).
	Mode string `json:"mode"`
	// Directory is the directory's address; Base the DN watched.
	Directory string `json:"directory"`
	Base      string `json:"base"`
	// Interval is the time between polls, in words (e.g. "2s").
	Interval string `json:"interval"`
	// Since is when the watcher started.
	Since time.Time `json:"since,omitzero"`
	// LastPoll is when a poll last read the directory, since the watcher
	// started; absent before the first completes.
	LastPoll time.Time `json:"last_poll,omitzero"`
	// PollsFailingSince is set while polls fail to read the directory:
	// since when they fail. PollError is the last one's failure in words,
	// with any secret masked, and PollFix what to do about it. All three
	// are empty once a poll succeeds again. The changes made meanwhile are
	// not lost: the watcher carries on from where it was.
	PollsFailingSince time.Time `json:"polls_failing_since,omitzero"`
	PollError         string    `json:"poll_error,omitempty"`
	PollFix           string    `json:"poll_fix,omitempty"`
	// Stuck is true while no poll has completed for ten intervals (at
	// least five minutes): what /readyz reports as a stuck watcher.
	Stuck bool `json:"stuck"`
	// Events counts the changes passed to the automations since then.
	Events int `json:"events"`
	// LastEvent is when the last one was passed on, LastKind what it was
	// and LastObject whom it was about.
	LastEvent  time.Time `json:"last_event,omitzero"`
	LastKind   string    `json:"last_kind,omitempty"`
	LastObject string    `json:"last_object,omitempty"`
	// LastError is the last failure to pass a change on (the same change
	// is delivered again at the next poll), with when it happened; empty
	// once a change goes through.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// Seeing reports whether the watcher sees the directory's changes now:
// it runs, its last poll completed, and it is not stuck. Only then may a
// page show it in green. See decision 0286.
func (s Status) Seeing() bool {
	return s.Running && !s.LastPoll.IsZero() && s.PollsFailingSince.IsZero() && !s.Stuck
}

// WithLoop returns s with what the watcher's own record says of its loop,
// the poll failure put in words with mask applied (nil masks nothing), so
// no secret the directory or the store echoed reaches a page. The record
// is only read here, never copied into the host's (decision 0284).
func (s Status) WithLoop(l Loop, mask func(string) string) Status {
	if mask == nil {
		mask = func(v string) string { return v }
	}
	s.Running, s.Stuck = l.Running, l.Stuck
	s.Since, s.LastPoll = utc(l.Since), utc(l.LastPoll)
	s.PollsFailingSince, s.PollError, s.PollFix = time.Time{}, "", ""
	if !l.FailingSince.IsZero() && l.PollError != nil {
		problem, fix := directory.Explain(l.PollError)
		if fix == "" {
			fix = "read the host log for the whole error"
		}
		s.PollsFailingSince = utc(l.FailingSince)
		// The console writes its own full stop after the problem.
		s.PollError, s.PollFix = mask(strings.TrimRight(problem, ". ")), mask(sentence(fix))
	}
	return s
}

// sentence starts fix with a capital and ends it with a full stop, as the
// console writes what to do after the problem.
func sentence(fix string) string {
	fix = strings.TrimSpace(fix)
	if fix == "" {
		return ""
	}
	fix = strings.ToUpper(fix[:1]) + fix[1:]
	if !strings.HasSuffix(fix, ".") {
		fix += "."
	}
	return fix
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
