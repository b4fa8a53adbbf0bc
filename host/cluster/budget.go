package cluster

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/store"
)

// Defaults of a Budget. See decision 0275.
const (
	// DefaultHold is how long a permit may stay granted without a release
	// before the store takes it back: longer than any call can take (the
	// connector SDK gives up on a request after 60 s and six attempts), so
	// only a host that died mid-call loses its permits, for this long.
	DefaultHold = 10 * time.Minute
	// DefaultReleaseDelay gathers the releases of calls that ended close
	// together into one statement. Releasing late only lengthens a
	// permit's rest, never shortens it.
	DefaultReleaseDelay = 10 * time.Millisecond
	// batchShare bounds a batch of permits to a fiftieth of the limit
	// (20 ms of sends): permits a host holds before it sends are permits
	// the other hosts cannot use.
	batchShare = 50
)

// Budget paces every host's calls of a lane through the store's shared
// rate budget. A call takes one of the lane's permits, waits for the
// permit's send slot, and gives the permit back when it is over; the
// permit then rests one window before any host may use it again, so the
// app never counts more calls in any window than the lane has permits,
// however late each call leaves its host or arrives. Permits are fetched
// from the store in batches for the calls waiting on this host, and given
// back in batches, so a call costs the store a fraction of a round trip.
// See decisions 0234 and 0275.
type Budget struct {
	// Hold is how long the store lets a permit stay granted without a
	// release, and ReleaseDelay how long releases gather before they are
	// written; NewBudget sets DefaultHold and DefaultReleaseDelay. Change
	// them before the first Wait only.
	Hold, ReleaseDelay time.Duration

	permits store.RateBudget
	log     hclog.Logger
	writing sync.WaitGroup

	mu    sync.Mutex
	lanes map[string]*lane
}

// NewBudget returns a Budget on the store's rate budget; log hears
// releases that failed (nil discards).
func NewBudget(permits store.RateBudget, log hclog.Logger) *Budget {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Budget{Hold: DefaultHold, ReleaseDelay: DefaultReleaseDelay, permits: permits, log: log, lanes: map[string]*lane{}}
}

// Stop writes the releases not yet written and waits for those being
// written, so a host that stops gracefully leaves no permit held for the
// other hosts to wait out. Run it after the calls have stopped.
func (b *Budget) Stop(ctx context.Context) error {
	b.mu.Lock()
	lanes := make([]*lane, 0, len(b.lanes))
	for _, l := range b.lanes {
		lanes = append(lanes, l)
	}
	b.mu.Unlock()
	for _, l := range lanes {
		l.writeReleases(ctx)
	}
	written := make(chan struct{})
	go func() { b.writing.Wait(); close(written) }()
	select {
	case <-written:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("give back send permits: %w", ctx.Err())
	}
}

// Shape returns how a limit of perSecond calls a second is kept: permits
// calls in any window, their sends spaced interval apart. A limit of one
// a second or more is whole calls per second (a fraction is given up, so
// the limit is never exceeded); a slower one is one call per window.
func Shape(perSecond float64) (permits int, window, interval time.Duration) {
	interval = time.Duration(float64(time.Second) / perSecond)
	if perSecond >= 1 {
		return int(perSecond), time.Second, interval
	}
	return 1, interval, interval
}

// Wait blocks until this host may send one call on lane, whose limit is
// perSecond for all hosts together, and returns over: called with sent
// true once the call is over (answered, failed or cut off), with sent
// false when it never left. Only the first call counts, so a deferred
// over(false) safely covers every return before the call.
func (b *Budget) Wait(ctx context.Context, lane string, perSecond float64) (over func(sent bool), err error) {
	if perSecond <= 0 {
		return func(bool) {}, nil
	}
	permits, window, interval := Shape(perSecond)
	l := b.lane(lane)
	req := store.PermitRequest{Lane: lane, Permits: permits, Interval: interval, Hold: b.Hold}
	p, err := l.take(ctx, req)
	if err != nil {
		return nil, err
	}
	var once sync.Once
	over = func(sent bool) {
		once.Do(func() {
			rest := time.Duration(0)
			if sent {
				rest = window
			}
			l.release(p, rest)
		})
	}
	if err := sleepUntil(ctx, p.At); err != nil {
		over(false)
		return nil, err
	}
	return over, nil
}

func (b *Budget) lane(name string) *lane {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.lanes[name]
	if l == nil {
		l = &lane{b: b, name: name, changed: make(chan struct{}), rest: map[time.Duration][]store.Permit{}}
		b.lanes[name] = l
	}
	return l
}

// lane is one lane's permits on this host: those fetched and not yet
// handed out, the callers waiting, and the releases not yet written.
type lane struct {
	b    *Budget
	name string

	mu       sync.Mutex
	ready    []store.Permit
	waiting  int
	fetching bool
	// changed is closed (and replaced) whenever ready grows or the
	// fetcher steps down.
	changed chan struct{}

	rest      map[time.Duration][]store.Permit
	releasing bool
}

// notify wakes every waiter; the caller holds l.mu.
func (l *lane) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// take hands out one permit, fetching a batch for the waiting calls when
// none is ready. One waiter at a time fetches; when the store has none
// free it sleeps until the batch is expected back.
func (l *lane) take(ctx context.Context, req store.PermitRequest) (store.Permit, error) {
	l.mu.Lock()
	l.waiting++
	defer func() {
		l.waiting--
		if l.waiting == 0 && len(l.ready) > 0 {
			// Nobody is left to use them: give them back unused at once.
			spare := l.ready
			l.ready = nil
			l.queueRelease(spare, 0)
		}
		l.mu.Unlock()
	}()
	for {
		if len(l.ready) > 0 {
			p := l.ready[0]
			l.ready = l.ready[1:]
			return p, nil
		}
		if !l.fetching {
			l.fetching = true
			req.Want = min(l.waiting, max(1, req.Permits/batchShare))
			l.mu.Unlock()
			g, err := l.b.permits.AcquirePermits(ctx, req)
			if err == nil && len(g.Permits) == 0 {
				err = sleepUntil(ctx, g.Retry)
			}
			l.mu.Lock()
			l.fetching = false
			l.ready = append(l.ready, g.Permits...)
			l.notify()
			if err != nil {
				return store.Permit{}, err
			}
			continue
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			l.mu.Lock()
			return store.Permit{}, ctx.Err()
		case <-changed:
		}
		l.mu.Lock()
	}
}

// release gives a permit back, to rest for rest from when the store
// records it.
func (l *lane) release(p store.Permit, rest time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queueRelease([]store.Permit{p}, rest)
}

// queueRelease adds permits to the next release and starts the releaser
// when it is not running; the caller holds l.mu.
func (l *lane) queueRelease(ps []store.Permit, rest time.Duration) {
	l.rest[rest] = append(l.rest[rest], ps...)
	if !l.releasing {
		l.releasing = true
		go l.releaseLoop()
	}
}

// releaseLoop writes the queued releases, a batch every ReleaseDelay,
// until none is left. A release that fails leaves its permits to come back
// after their hold: fewer calls for a while, never more.
func (l *lane) releaseLoop() {
	for {
		time.Sleep(l.b.ReleaseDelay)
		if !l.writeReleases(context.Background()) {
			return
		}
	}
}

// writeReleases writes the releases queued now, and reports whether there
// were any; with none it marks the releaser stopped.
func (l *lane) writeReleases(ctx context.Context) bool {
	l.mu.Lock()
	batch := l.rest
	if len(batch) == 0 {
		l.releasing = false
		l.mu.Unlock()
		return false
	}
	l.rest = map[time.Duration][]store.Permit{}
	l.b.writing.Add(1)
	l.mu.Unlock()
	defer l.b.writing.Done()
	for rest, ps := range batch {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := l.b.permits.ReleasePermits(ctx, l.name, ps, rest); err != nil {
			l.b.log.Warn("could not give send permits back; they return after their hold", "lane", l.name,
				"permits", len(ps), "hold", l.b.Hold, "error", err)
		}
		cancel()
	}
	return true
}

// sleepUntil waits until t or ctx's end.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
