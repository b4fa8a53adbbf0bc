package extensions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/runtimes"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/version"
	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/sdk/wire"
)

// stagingDir is the staging folder's name inside the extensions folder;
// the dot keeps it from ever being taken for an extension id.
const stagingDir = ".staging"

// Config is what a Manager needs. DataDir and Docs are required.
type Config struct {
	// DataDir is the host's data folder; extensions live in DataDir/extensions.
	DataDir string
	// Docs persists records, trusted keys, allowed publishers and catalogs.
	Docs store.Docs
	// Usage answers which integrations use an extension; nil means none do
	// (see SetUsage).
	Usage UsageChecker
	// Logger receives structured logs; nil discards them.
	Logger hclog.Logger
	// HostVersion defaults to version.Version.
	HostVersion string
	// Protocols defaults to wire.SupportedProtocolVersions.
	Protocols []int
	// Platform defaults to the running platform, "os/arch".
	Platform string
	// Limits bound archives; zero fields take ext.DefaultLimits.
	Limits ext.Limits
	// HTTP downloads from URLs and catalogs; nil means
	// catalog.NewHTTPClient (bounded connect, TLS and header waits).
	HTTP *http.Client
	// Runtimes finds the interpreters of interpreter-based connectors; nil
	// means one that searches PATH and the Debian locations.
	Runtimes *runtimes.Finder
	// InstallTimeout bounds one install or upgrade; zero means
	// DefaultInstallTimeout. One still running past it shows in Stuck.
	InstallTimeout time.Duration
	// IdleTimeout abandons a download or upload that received nothing for
	// this long; zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Changed, when set, is called after an extension's record changed:
	// with the new record after install and upgrade, with nil after
	// uninstall. The application uses it to relaunch or stop the plugin
	// processes running the old binary.
	Changed func(ctx context.Context, id string, rec *Record)
}

// Manager installs and tracks extensions. It is safe for concurrent use;
// changes are serialised, reads are not.
type Manager struct {
	cfg  Config
	root string // DataDir/extensions
	log  hclog.Logger
	mu   sync.Mutex // serialises the commit of install and upgrade, and uninstall
	cat  *catalog.Client
	ops  operations

	usageMu sync.RWMutex
	usageC  UsageChecker
}

// SetUsage replaces the UsageChecker. The integrations service needs the
// manager (for BinaryPath) and the manager needs it (for usage), so the
// application builds the manager first and hands it the service after.
func (m *Manager) SetUsage(u UsageChecker) {
	if u == nil {
		u = noUsage{}
	}
	m.usageMu.Lock()
	m.usageC = u
	m.usageMu.Unlock()
}

func (m *Manager) usageChecker() UsageChecker {
	m.usageMu.RLock()
	defer m.usageMu.RUnlock()
	return m.usageC
}

func (m *Manager) changed(ctx context.Context, id string, rec *Record) {
	if m.cfg.Changed != nil {
		m.cfg.Changed(ctx, id, rec)
	}
}

// New prepares the extensions folder and removes what an interrupted
// install left behind: the staging folder's content and release folders
// no record points to.
func New(ctx context.Context, cfg Config) (*Manager, error) {
	if cfg.DataDir == "" || cfg.Docs == nil {
		return nil, errors.New("extensions: Config needs DataDir and Docs")
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.HostVersion == "" {
		cfg.HostVersion = version.Version
	}
	if len(cfg.Protocols) == 0 {
		cfg.Protocols = wire.SupportedProtocolVersions
	}
	if cfg.Platform == "" {
		cfg.Platform = ext.HostPlatform()
	}
	if cfg.Runtimes == nil {
		cfg.Runtimes = &runtimes.Finder{}
	}
	m := &Manager{
		cfg:  cfg,
		root: filepath.Join(cfg.DataDir, "extensions"),
		log:  cfg.Logger.Named("extensions"),
	}
	m.cat = &catalog.Client{HTTP: cfg.HTTP, IdleTimeout: m.idleTimeout()}
	m.SetUsage(cfg.Usage)
	if err := os.MkdirAll(filepath.Join(m.root, stagingDir), 0o755); err != nil {
		return nil, fmt.Errorf("extensions: prepare data folder: %w", err)
	}
	if err := m.sweep(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// sweep removes leftovers of interrupted operations.
func (m *Manager) sweep(ctx context.Context) error {
	staging := filepath.Join(m.root, stagingDir)
	entries, err := os.ReadDir(staging)
	if err != nil {
		return fmt.Errorf("extensions: read staging folder: %w", err)
	}
	for _, e := range entries {
		m.log.Info("removing leftover staging folder", "name", e.Name())
		if err := os.RemoveAll(filepath.Join(staging, e.Name())); err != nil {
			return fmt.Errorf("extensions: clean staging folder: %w", err)
		}
	}
	recs, err := m.records(ctx)
	if err != nil {
		return err
	}
	_, err = m.removeUnreferenced(recs)
	return err
}

// record loads an installed extension's record.
func (m *Manager) record(ctx context.Context, id string) (*Record, error) {
	var r Record
	if err := m.cfg.Docs.Get(ctx, kindExtension, id, &r); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%q: %w", id, ErrNotInstalled)
		}
		return nil, fmt.Errorf("read extension record %q: %w", id, err)
	}
	return &r, nil
}
