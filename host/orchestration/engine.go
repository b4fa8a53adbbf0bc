package orchestration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
)

// Store kinds of the documents the engine keeps.
const (
	// DocTemplate holds templates, by id.
	DocTemplate = "orchestration.template"
	// DocRun holds what a run needs beyond its record: the template as it
	// was when the run started, and objects waiting for approval.
	DocRun = "orchestration.run"
	// DocJournal holds the outcome of a sent call by action key, written
	// before the outcome is reported to the queue, so a crash between the
	// two never makes the call look in doubt. PruneJournals deletes the
	// entries of runs finished longer than the retention period ago.
	DocJournal = "orchestration.journal"
)

// Lanes of actions that are not calls to an integration. Integration ids
// cannot start with "~", so they never collide.
const (
	laneDirectory = "~directory"
	laneLocal     = "~local"
)

// Directory is what AD steps need; *directory.Client satisfies it.
type Directory interface {
	Modify(ctx context.Context, dn string, changes ...directory.Change) error
	SetEnabled(ctx context.Context, dn string, enabled bool) error
	Move(ctx context.Context, dn, newParentDN string) (string, error)
	AddToGroup(ctx context.Context, groupDN, memberDN string) error
	RemoveFromGroup(ctx context.Context, groupDN, memberDN string) error
}

// SharedRate paces the calls of a lane across every host of a store.
type SharedRate interface {
	// Wait blocks until this host may send one call on lane, whose limit
	// is perSecond for all hosts together, and returns over, to be called
	// once the call is over (sent true: answered, failed or cut off) or
	// when it never left (sent false); only the first call counts, so a
	// deferred over(false) covers every early return. The budget counts a
	// call from before it leaves until after it is answered, so no delay
	// on the way can crowd more calls into one second of the app's meter.
	// See decision 0275.
	Wait(ctx context.Context, lane string, perSecond float64) (over func(sent bool), err error)
}

// Config wires an Engine.
type Config struct {
	// Docs keeps templates, run documents and the journal.
	Docs store.Docs
	// Queue is the durable queue actions go through.
	Queue store.Queue
	// Runs keeps run records.
	Runs store.Runs
	// Webhooks resolves, renders and invokes outbound webhooks.
	Webhooks *outbound.Service
	// Directory runs AD steps; nil refuses them at run time.
	Directory Directory
	// Objects resolves the object references of runs started through the
	// API, so their attributes come from the directory, never from the
	// caller; nil refuses such runs.
	Objects outbound.Objects
	// Logger logs; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Worker names this host in leases; empty means hostname:pid:random.
	// A name that stays the same across restarts of one host lets Run take
	// back at once the leases the last process left, instead of waiting
	// for them to expire; two live processes must then never share it. The
	// app derives it from the data folder, whose lock guarantees that. See
	// decision 0171.
	Worker string
	// Drain bounds how long calls in flight may finish after Run's context
	// ends; zero means 10 s. Calls still unanswered then are cut off and
	// resolved as in doubt at the next start.
	Drain time.Duration
	// Concurrency is the number of calls in flight per lane; zero means 32.
	// The rate limiter, not this, sets the pace; it only has to cover the
	// app's latency at the allowed rate.
	Concurrency int
	// RateWait, when set, hears how long each call waited for its lane's
	// rate limit (and any Retry-After pause), so operators can see when
	// the app's budget, not idbridge, is the bottleneck.
	RateWait func(lane string, waited time.Duration)
	// SharedRate, when set, paces every lane across all hosts of a shared
	// store instead of with this host's own token bucket, so the hosts
	// together keep to the integration's limit (see package cluster).
	SharedRate SharedRate
	// DeactivationLimit is the default deactivation guard: a run that
	// would send more objects than this through deactivating steps waits
	// for approval. Zero means 25; negative turns the guard off.
	DeactivationLimit int
	// MaxAttempts bounds retries of a step; zero means
	// store.DefaultMaxAttempts.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the exponential backoff between
	// retries; zero means 1 s and 5 min. A Retry-After from the app
	// lengthens the wait, never shortens it.
	MinBackoff, MaxBackoff time.Duration
	// Lease is how long a claim lasts; zero means store.DefaultLease.
	Lease time.Duration
	// RateLimitSetting is the integration setting that holds its requests
	// per second; zero value means "rateLimit". When the integration does
	// not set it, Describe's rate limit applies.
	RateLimitSetting string
	// DefaultRate applies to integrations that declare no rate limit at
	// all; zero means 10 requests per second.
	DefaultRate float64
	// Poll is how often the dispatcher looks for new lanes and finished
	// runs; zero means 500 ms. StartRun and Retry wake it at once.
	Poll time.Duration
	// JournalRetention is how long RetainJournals keeps the journal of a
	// finished run; zero means DefaultJournalRetention, negative keeps
	// journals forever. A positive value below MinJournalRetention is
	// refused.
	JournalRetention time.Duration
	// JournalPruneInterval is the time between RetainJournals passes; zero
	// means one hour.
	JournalPruneInterval time.Duration
	// JournalPruneBatch bounds the journal entries one pass deletes, so a
	// large backlog does not hold the store's writer for long; zero means
	// 10,000.
	JournalPruneBatch int
}

func (c *Config) defaults() error {
	switch {
	case c.Docs == nil || c.Queue == nil || c.Runs == nil:
		return errors.New("orchestration: Docs, Queue and Runs are required")
	case c.Webhooks == nil:
		return errors.New("orchestration: Webhooks is required")
	case c.JournalRetention > 0 && c.JournalRetention < MinJournalRetention:
		return fmt.Errorf("orchestration: JournalRetention %s: %w", c.JournalRetention, ErrRetentionTooShort)
	}
	if c.Logger == nil {
		c.Logger = hclog.NewNullLogger()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Worker == "" {
		host, _ := os.Hostname()
		c.Worker = host + ":" + strconv.Itoa(os.Getpid()) + ":" + uuid.NewString()[:8]
	}
	if c.Drain <= 0 {
		c.Drain = 10 * time.Second
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 32
	}
	if c.DeactivationLimit == 0 {
		c.DeactivationLimit = 25
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = store.DefaultMaxAttempts
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.Lease <= 0 {
		c.Lease = store.DefaultLease
	}
	if c.RateLimitSetting == "" {
		c.RateLimitSetting = "rateLimit"
	}
	if c.DefaultRate <= 0 {
		c.DefaultRate = 10
	}
	if c.Poll <= 0 {
		c.Poll = 500 * time.Millisecond
	}
	if c.JournalRetention == 0 {
		c.JournalRetention = DefaultJournalRetention
	}
	if c.JournalPruneInterval <= 0 {
		c.JournalPruneInterval = defaultPruneInterval
	}
	if c.JournalPruneBatch <= 0 {
		c.JournalPruneBatch = defaultPruneBatch
	}
	return nil
}

// Engine stores templates, starts runs and executes them from the durable
// queue. One Engine per host process; several hosts may share a store.
type Engine struct {
	cfg  Config
	log  hclog.Logger
	wake chan struct{}

	mu   sync.Mutex
	runs map[string]*runState // by run id; compiled templates and status

	limiters *limiters
	health   health
}

// New returns an Engine; call Run to execute actions.
func New(cfg Config) (*Engine, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, log: cfg.Logger.Named("orchestration"), wake: make(chan struct{}, 1), runs: map[string]*runState{}}
	e.limiters = newLimiters(e)
	return e, nil
}

// notify wakes the dispatcher.
func (e *Engine) notify() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Template operations.

// SaveTemplate checks a template (structure, loops, every macro and
// condition against the integrations and the directory schema) and stores
// it.
func (e *Engine) SaveTemplate(ctx context.Context, t Template) (Template, error) {
	if err := e.CheckTemplate(ctx, t); err != nil {
		return Template{}, err
	}
	t.Updated = e.cfg.Now().UTC()
	if err := e.cfg.Docs.Put(ctx, DocTemplate, t.ID, t); err != nil {
		return Template{}, fmt.Errorf("save template %s: %w", t.ID, err)
	}
	return t, nil
}

// CheckTemplate checks a template as SaveTemplate does, without storing
// it, so an editor can check a change before it is saved. See decision
// 0268.
func (e *Engine) CheckTemplate(ctx context.Context, t Template) error {
	c, err := compile(ctx, e.cfg.Webhooks, &t)
	if err != nil {
		return err
	}
	if p := inDoubtProblems(c); len(p) > 0 {
		return &InvalidError{Template: t.ID, Problems: p}
	}
	return nil
}

// Template returns a stored template.
func (e *Engine) Template(ctx context.Context, id string) (Template, error) {
	var t Template
	if err := e.cfg.Docs.Get(ctx, DocTemplate, id, &t); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Template{}, fmt.Errorf("template %s: %w", id, ErrNotFound)
		}
		return Template{}, err
	}
	return t, nil
}

// Templates lists the stored templates by id.
func (e *Engine) Templates(ctx context.Context) ([]Template, error) {
	var out []Template
	err := e.cfg.Docs.List(ctx, DocTemplate, func(id string, decode func(any) error) error {
		var t Template
		if err := decode(&t); err != nil {
			return fmt.Errorf("read template %s: %w", id, err)
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// DeleteTemplate removes a template; runs already started keep their copy.
// An unknown id is ErrNotFound, so a typo is not reported as done.
func (e *Engine) DeleteTemplate(ctx context.Context, id string) error {
	if _, err := e.Template(ctx, id); err != nil {
		return err
	}
	return e.cfg.Docs.Delete(ctx, DocTemplate, id)
}
