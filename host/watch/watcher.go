package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/directory"
)

// Mode is how the watcher finds changes.
type Mode string

const (
	// ModeAuto follows uSNChanged on AD and modifyTimestamp elsewhere.
	ModeAuto Mode = ""
	// ModeUSN follows uSNChanged (AD only).
	ModeUSN Mode = "usn"
	// ModeTimestamp polls modifyTimestamp, with a periodic full compare to
	// see deletions.
	ModeTimestamp Mode = "timestamp"
	// ModeDirSync asks AD for changes with the DirSync control (needs the
	// Replicating Directory Changes right); otherwise like ModeUSN.
	ModeDirSync Mode = "dirsync"
	// ModeFullCompare reads every user on every poll. Slow on big
	// directories; useful where neither of the above works.
	ModeFullCompare Mode = "full"
)

// DefaultInterval is the time between polls when Options.Interval is zero.
// A poll at rest reads one rootDSE and one small entry on AD, and nothing
// on OpenLDAP, so polling this often costs little and brings an AD change
// to its automation within a few seconds. See decision 0212.
const DefaultInterval = 2 * time.Second

// Schedules of the timestamp watcher's expensive reads. See decision 0212.
const (
	DefaultFullCompareInterval = 24 * time.Hour
	DefaultSweepInterval       = 5 * time.Minute
)

// ErrHandler wraps an error returned by the event handler; the poll stops
// and the same change is delivered again on the next poll.
var ErrHandler = errors.New("event handler failed; the change will be delivered again")

// Options configure a Watcher.
type Options struct {
	// Base is the subtree watched; empty means the client's base DN. Users
	// moved out of it produce a UserMoved event and are then forgotten.
	Base string
	// Interval is the time between polls.
	Interval time.Duration
	// Attributes whose changes produce UserChanged; nil means
	// DefaultAttributes.
	Attributes []string
	// Mode chooses how changes are found.
	Mode Mode
	// FullCompareEvery, when set, makes every Nth timestamp poll a full
	// compare (and turns the sweep off); tests use it to see deletions at
	// a known poll. Zero schedules by time instead: FullCompareInterval
	// and SweepInterval.
	FullCompareEvery int
	// FullCompareInterval is the time between full compares on
	// directories without USNs, a safety net for changes the timestamps
	// missed. Zero means DefaultFullCompareInterval.
	FullCompareInterval time.Duration
	// SweepInterval is the time between sweeps that read only the IDs to
	// find deleted users on directories without tombstones. Zero means
	// DefaultSweepInterval.
	SweepInterval time.Duration
	// EmitInitial sends UserCreated for every user found by the very first
	// snapshot. Off by default: starting a watcher is not an onboarding.
	EmitInitial bool
	// Wanted, when set, is asked before each poll of Run whether anyone
	// needs events; while it says no (and the first snapshot is taken),
	// Run reads nothing. When it says yes again the watcher carries on from
	// its cursor, so changes made while it rested are delivered then, as
	// after a restart. An error from Wanted counts as yes. See decision
	// 0212.
	Wanted func(ctx context.Context) (bool, error)
	// Handler receives each event. Returning an error stops the poll; the
	// change is delivered again on the next one.
	Handler func(ctx context.Context, e Event) error
	// Logger receives the watcher's log lines.
	Logger hclog.Logger
}

// Watcher polls one directory. Poll and Run must not be called concurrently.
type Watcher struct {
	c       *directory.Client
	state   State
	opts    Options
	base    string
	attrs   []string
	log     hclog.Logger
	loaded  bool
	cursor  Cursor
	objects map[string]ObjectState
	nest    nesting
	polls   int
	seenTS  string
	seenCSN string
	// lastFull and lastSweep are when the timestamp watcher last compared
	// everything and last swept for deletions.
	lastFull, lastSweep time.Time
	now                 func() time.Time

	progress progress
}

// New returns a watcher for the client's directory. Nothing is read until
// the first Poll.
func New(c *directory.Client, state State, opts Options) (*Watcher, error) {
	if opts.Handler == nil {
		return nil, errors.New("watch: no event handler: set Options.Handler")
	}
	if state == nil {
		return nil, errors.New("watch: no state: pass NewMemoryState() or NewDocsState(...)")
	}
	switch opts.Mode {
	case ModeAuto, ModeTimestamp, ModeFullCompare:
	case ModeUSN, ModeDirSync:
		if c.Flavor() != directory.FlavorAD {
			return nil, fmt.Errorf("watch: mode %q exists only on Active Directory: use the timestamp or full mode", opts.Mode)
		}
	default:
		return nil, fmt.Errorf("watch: unknown mode %q: use usn, timestamp, full or leave it empty", opts.Mode)
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.FullCompareEvery < 0 {
		opts.FullCompareEvery = 0
	}
	if opts.FullCompareInterval <= 0 {
		opts.FullCompareInterval = DefaultFullCompareInterval
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = DefaultSweepInterval
	}
	attrs := opts.Attributes
	if attrs == nil {
		attrs = DefaultAttributes
	}
	log := opts.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	base := opts.Base
	if base == "" {
		base = c.BaseDN()
	}
	return &Watcher{c: c, state: state, opts: opts, base: base, attrs: attrs, log: log.Named("watch"), now: time.Now}, nil
}

// Stats describes one poll.
type Stats struct {
	// How is "initial", "usn", "dirsync", "timestamp", "sweep" (a
	// timestamp poll that also looked for deletions), "full" (a full
	// compare) or "idle" (nothing changed).
	How string
	// Read is the number of user entries read.
	Read int
	// Events is the number of events delivered.
	Events int
}

// Run polls every Interval until ctx ends. A failed poll (the directory is
// down, the handler failed) is logged and retried on the next tick.
func (w *Watcher) Run(ctx context.Context) error {
	// On a shared store another host may have watched since this one last
	// ran (the watcher runs under a lease, decision 0233): start from the
	// stored high-water mark, not from what this process remembers.
	w.loaded = false
	t := time.NewTicker(w.opts.Interval)
	defer t.Stop()
	resting := false
	w.progress.begin(w.now())
	defer w.progress.end()
	for {
		if w.opts.Wanted != nil && w.loaded && w.cursor.Initialized {
			want, err := w.opts.Wanted(ctx)
			switch {
			case err != nil:
				w.log.Warn("cannot tell whether any automation wants directory events; polling", "error", err)
				resting = false
			case !want && !resting:
				w.log.Info("no enabled automation triggers on directory changes; the watcher rests until one does")
				resting = true
			case want && resting:
				w.log.Info("an automation triggers on directory changes; the watcher carries on from where it rested")
				resting = false
			}
		}
		if resting {
			// Resting is by choice, not stuck: readiness holds.
			w.progress.polled(w.now(), nil)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
			}
			continue
		}
		st, err := w.Poll(ctx)
		w.progress.polled(w.now(), err)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			w.log.Warn("poll failed; retrying at the next interval", "error", err)
		} else if st.Events > 0 {
			w.log.Debug("poll", "how", st.How, "read", st.Read, "events", st.Events)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Poll looks for changes once and delivers their events.
func (w *Watcher) Poll(ctx context.Context) (Stats, error) {
	if err := w.load(ctx); err != nil {
		return Stats{}, err
	}
	w.polls++
	mode := w.opts.Mode
	if mode == ModeAuto {
		mode = ModeTimestamp
		if w.c.Flavor() == directory.FlavorAD {
			mode = ModeUSN
		}
	}
	switch mode {
	case ModeUSN, ModeDirSync:
		return w.pollUSN(ctx, mode == ModeDirSync)
	case ModeTimestamp:
		return w.pollTimestamp(ctx)
	}
	st, err := w.fullCompare(ctx, w.cursor.Initialized || w.opts.EmitInitial)
	if err != nil {
		return st, err
	}
	return st, w.saveCursor(ctx, w.cursor)
}

// Cursor returns where the watcher is, for status pages and tests.
func (w *Watcher) Cursor() Cursor { return w.cursor }

func (w *Watcher) load(ctx context.Context) error {
	if w.loaded {
		return nil
	}
	cur, err := w.state.LoadCursor(ctx)
	if err != nil {
		return err
	}
	objs := map[string]ObjectState{}
	if err := w.state.LoadObjects(ctx, func(id string, o ObjectState) error { objs[id] = o; return nil }); err != nil {
		return err
	}
	nest, err := w.loadNesting(ctx)
	if err != nil {
		return err
	}
	w.cursor, w.objects, w.nest, w.loaded = cur, objs, nest, true
	// A restart does not owe a full compare, but sweeps at once: users
	// deleted while the host was down are found by the first poll.
	w.lastFull = w.now()
	return nil
}

func (w *Watcher) saveCursor(ctx context.Context, c Cursor) error {
	c.Initialized = true
	if err := w.state.SaveCursor(ctx, c); err != nil {
		return err
	}
	w.cursor = c
	return nil
}

// observe compares one user read from the directory with the snapshot,
// delivers the events, and records the new state. enteredBefore says the
// object existed before the last processed change, so an unknown one came
// from outside the base rather than being new.
func (w *Watcher) observe(ctx context.Context, u directory.User, emit, enteredBefore bool) (int, error) {
	if u.ID == "" {
		return 0, nil
	}
	cur := snapshotOf(u, w.attrs)
	old, known := w.objects[u.ID]
	inBase := directory.UnderDN(u.DN, w.base)
	base := Event{ID: u.ID, DN: u.DN, Attributes: u.Attributes, Enabled: u.Enabled(), DetectedAt: w.now()}
	var events []Event
	switch {
	case !known && !inBase:
		return 0, nil
	case !known:
		e := base
		e.Kind = UserCreated
		if enteredBefore {
			e.Kind = UserMoved
		}
		events = append(events, e)
	default:
		kinds, changed, added, removed := diff(old, cur, w.attrs)
		for _, k := range kinds {
			e := base
			e.Kind = k
			switch k {
			case UserMoved:
				e.OldDN = old.DN
			case UserChanged:
				e.Changed = changed
			case GroupMembershipChanged:
				e.GroupsAdded = originalCase(added, u.Groups())
				e.GroupsRemoved = removed
			}
			events = append(events, e)
		}
	}
	if emit {
		for _, e := range events {
			if err := w.opts.Handler(ctx, e); err != nil {
				return 0, fmt.Errorf("%w: %s %s: %w", ErrHandler, e.Kind, e.DN, err)
			}
		}
	}
	if !inBase {
		if err := w.state.DeleteObject(ctx, u.ID); err != nil {
			return 0, err
		}
		delete(w.objects, u.ID)
	} else if !known || !equalState(old, cur) {
		if err := w.state.PutObject(ctx, u.ID, cur); err != nil {
			return 0, err
		}
		w.objects[u.ID] = cur
	}
	if !emit {
		return 0, nil
	}
	return len(events), nil
}

// gone delivers UserDeleted for a user that no longer exists.
func (w *Watcher) gone(ctx context.Context, id string, emit bool) (int, error) {
	old, ok := w.objects[id]
	if !ok {
		return 0, nil
	}
	n := 0
	if emit {
		e := Event{Kind: UserDeleted, ID: id, DN: old.DN, Enabled: old.Enabled, DetectedAt: w.now()}
		if err := w.opts.Handler(ctx, e); err != nil {
			return 0, fmt.Errorf("%w: %s %s: %w", ErrHandler, e.Kind, e.DN, err)
		}
		n = 1
	}
	if err := w.state.DeleteObject(ctx, id); err != nil {
		return 0, err
	}
	delete(w.objects, id)
	return n, nil
}

// fullCompare reads every user in the base and compares it with the
// snapshot. Users that vanished from the base are looked up by ID: found
// elsewhere they moved out, else they were deleted.
func (w *Watcher) fullCompare(ctx context.Context, emit bool) (Stats, error) {
	st := Stats{How: "full"}
	seen := make(map[string]struct{}, len(w.objects))
	// Scan decodes entries straight from the wire: a full compare reads
	// every user, so the decoder is most of its cost. See decision 0213.
	err := w.c.ScanUsers(ctx, directory.UserQuery{Base: w.base, Extra: w.attrs}, func(u directory.User) error {
		st.Read++
		seen[u.ID] = struct{}{}
		w.trackTimestamp(u)
		n, err := w.observe(ctx, u, emit, false)
		st.Events += n
		return err
	})
	if err != nil {
		return st, err
	}
	return st, w.resolveMissing(ctx, seen, emit, &st)
}

// resolveMissing looks up, by ID, the remembered users that a read of the
// whole base did not return: found elsewhere they moved out, else they
// were deleted.
func (w *Watcher) resolveMissing(ctx context.Context, seen map[string]struct{}, emit bool, st *Stats) error {
	var missing []string
	for id := range w.objects {
		if _, ok := seen[id]; !ok {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	for _, id := range missing {
		u, err := w.c.UserByID(ctx, id)
		var n int
		switch {
		case err == nil:
			st.Read++
			n, err = w.observe(ctx, u, emit, true)
		case errors.Is(err, directory.ErrNotFound):
			n, err = w.gone(ctx, id, emit)
		}
		if err != nil {
			return err
		}
		st.Events += n
	}
	return nil
}

func equalState(a, b ObjectState) bool {
	if a.DN != b.DN || a.Enabled != b.Enabled || len(a.Attrs) != len(b.Attrs) || !slices.Equal(a.Groups, b.Groups) {
		return false
	}
	for k, v := range a.Attrs {
		if b.Attrs[k] != v {
			return false
		}
	}
	return true
}

// originalCase maps lower-cased group DNs back to the directory's spelling.
func originalCase(lower, original []string) []string {
	out := make([]string, len(lower))
	for i, l := range lower {
		out[i] = l
		for _, o := range original {
			if strings.EqualFold(o, l) {
				out[i] = o
				break
			}
		}
	}
	return out
}
