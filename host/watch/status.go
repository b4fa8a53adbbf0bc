package watch

import "time"

// Status is what GET /v1/watcher shows of the change watcher, for the
// console's overview: whether it runs, what it watches, and the last
// change it passed on, or the last failure to pass one on. It lives beside
// the watcher, not in the host's wiring, so API clients can name it. See
// decisions 0224 and 0265.
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
