package sync

import gosync "sync"

// Phases of a run, in the order they end.
const (
	PhaseRead  = "read"
	PhasePlan  = "plan"
	PhaseApply = "apply"
	PhaseDone  = "done"
)

// Progress is a snapshot of a running sync, for progress bars. During the
// read, Records and Users grow as batches and pages arrive; during the
// apply, Done grows towards Total.
type Progress struct {
	Phase   string `json:"phase"`
	Records int    `json:"records"`
	Users   int    `json:"users"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
}

// reporter serialises progress reports from the reading goroutines.
type reporter struct {
	mu  gosync.Mutex
	fn  func(Progress)
	cur Progress
}

func (r *reporter) update(change func(p *Progress)) {
	if r == nil || r.fn == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	change(&r.cur)
	r.fn(r.cur)
}
