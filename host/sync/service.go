package sync

import (
	"context"
	"errors"
	"fmt"
	gosync "sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
)

// Endpoints reads inbound endpoints; *inbound.Service implements it.
type Endpoints interface {
	// Fields lists an endpoint's field paths, for validation at save.
	Fields(ctx context.Context, integrationID, endpointID string) ([]string, error)
	// Fetch streams every record of an endpoint in batches.
	Fetch(ctx context.Context, integrationID, endpointID string, opts inbound.FetchOptions, fn func(batch []map[string]any) error) error
}

// Directory is what a sync needs of the directory; *directory.Client
// implements it.
type Directory interface {
	// Search streams the entries matching q, page by page.
	Search(ctx context.Context, q directory.Query, fn func(directory.Entry) error) error
	// EntryToUser reads the stable id and the enabled flag of an entry.
	EntryToUser(e directory.Entry) directory.User
	// UserFilter selects user objects.
	UserFilter() string
	// Flavor says which attribute holds the stable id.
	Flavor() directory.Flavor
	// Config says how disabled users are marked on plain LDAP.
	Config() directory.Config
	// Modify applies changes to one entry in one request.
	Modify(ctx context.Context, dn string, changes ...directory.Change) error
	// CreateUser adds a user.
	CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error)
	// AttributeExists checks the schema, for validation at save.
	AttributeExists(ctx context.Context, name string) (bool, error)
}

// Config wires a Service. Docs, Runs, Endpoints and Directory are required.
type Config struct {
	// Docs stores data sources (kind "datasource").
	Docs store.Docs
	// Runs keeps the run records of applies.
	Runs store.Runs
	// Endpoints reads the app's records.
	Endpoints Endpoints
	// Directory reads and writes users.
	Directory Directory
	// Masker masks secrets in run records and errors; pass the host's.
	Masker *secrets.Masker
	// Logger receives the service's logs; nil discards.
	Logger hclog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BatchSize is the number of records per streamed batch; 0 lets the
	// connector choose.
	BatchSize int
	// Settings reads the integration setting a role rule may name as its
	// table; nil allows only tables written in the data source.
	Settings Settings
	// RoleRuns hands accounts with role drift to the automation a role
	// rule names; nil makes such an apply record the drift as failed to
	// hand over.
	RoleRuns RoleRuns
}

// Service keeps data sources and runs their syncs. It is safe for
// concurrent use.
type Service struct {
	cfg Config

	mu       gosync.Mutex
	applying map[string]string // data source id → run id of the apply in progress
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Docs == nil || cfg.Runs == nil || cfg.Endpoints == nil || cfg.Directory == nil {
		return nil, errors.New("sync: Docs, Runs, Endpoints and Directory are required")
	}
	if cfg.Masker == nil {
		cfg.Masker = secrets.NewMasker()
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg, applying: map[string]string{}}, nil
}

// claim marks an apply of id as running, or says which run already is:
// two applies of one data source at once would each write the other's
// changes again and record them twice.
func (s *Service) claim(id, runID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if other, ok := s.applying[id]; ok {
		return fmt.Errorf("%w: data source %q is being applied by run %s; wait for it to finish", ErrBusy, id, other)
	}
	s.applying[id] = runID
	return nil
}

func (s *Service) release(id string) {
	s.mu.Lock()
	delete(s.applying, id)
	s.mu.Unlock()
}
