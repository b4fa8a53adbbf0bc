package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/cluster"
	"github.com/idbridge/idbridge/host/datalock"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/metrics"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/host/version"
)

// DefaultListen is the API's default address: loopback, so a new host is
// reachable only from the machine it runs on.
const DefaultListen = "127.0.0.1:8470"

// Options configures an App.
type Options struct {
	// DataDir holds everything the host keeps: store, extensions, the
	// admin token. It is created (mode 0700) when missing.
	DataDir string
	// Listen is the API's address; empty means DefaultListen.
	Listen string
	// Logger is the host logger; nil discards logs. The App wraps it so
	// that every secret the host knows is masked in every line.
	Logger hclog.Logger
	// Store is the store backend. Nil opens the PostgreSQL store at
	// StoreURL, or without one the SQLite store in DataDir (idbridge.db);
	// the App then closes it at exit.
	Store store.Backend
	// StoreURL is a postgres:// URL (without password) of a store shared
	// with other hosts; empty keeps the store in the data folder.
	StoreURL string
	// StorePasswordFile holds StoreURL's password; empty leaves it to
	// PGPASSWORD or ~/.pgpass.
	StorePasswordFile string
	// Getenv reads the environment (IDBRIDGE_MASTER_KEY); nil means
	// os.Getenv.
	Getenv func(string) string
	// Directory is the directory to watch and sync with; nil with
	// DemoDirectory false runs without one (extensions, integrations and
	// inbound endpoints only).
	Directory *directory.Config
	// DemoDirectory runs the embedded demo directory in the host process,
	// seeded with demodir.DemoSeed, and uses it as the directory.
	DemoDirectory bool
	// DemoDirectoryListen is the demo directory's address; empty picks a
	// free loopback port.
	DemoDirectoryListen string
	// Catalogs are extension catalogs to configure at start, each URL or
	// NAME=URL.
	Catalogs []string
	// WatchInterval is the directory watcher's poll interval; 0 takes the
	// watcher's default.
	WatchInterval time.Duration
	// WatchMode is how the watcher finds changes: WatchPoll (also when
	// empty), WatchDirSync or WatchOff. See decision 0212.
	WatchMode string
	// Engine tunes the orchestration engine; the App fills its store,
	// webhook, directory and logger fields. Its JournalRetention is what
	// --journal-retention sets (see AddJournalRetentionFlag); when zero,
	// IDBRIDGE_JOURNAL_RETENTION applies, then the engine's default. The
	// host prunes the journals of finished runs with it every hour.
	Engine orchestration.Config
	// Hostnames are the names clients reach the host by, besides its
	// listen address, localhost and loopback addresses: a request to
	// /metrics without a token must name one of them in its Host header,
	// so a web page that rebinds its own name to 127.0.0.1 cannot read it.
	Hostnames []string
	// NoConsole leaves the web console out (API only).
	NoConsole bool
	// SecureCookies marks the console's cookies Secure on plain HTTP too,
	// for a host behind a TLS-terminating proxy. With TLS set they are
	// Secure anyway.
	SecureCookies bool
	// TLS, when set, serves the API and the console over HTTPS on Listen
	// with this configuration (see LoadTLS); nil serves plain HTTP, which
	// the host warns about on a non-loopback address.
	TLS *tls.Config
	// Plugins tunes the plugin supervisor; its Logger defaults to Logger.
	Plugins pluginhost.Config
	// ShutdownGrace is how long running API calls may take to finish on
	// shutdown; 0 means 10s.
	ShutdownGrace time.Duration
	// StoreProbeEvery bounds how often /readyz writes a small document to
	// learn whether the store takes writes, so frequent probes cost one
	// write per interval; 0 means 5 s, negative probes on every request.
	StoreProbeEvery time.Duration
}

// Starter is implemented by services that do work in the background
// (watchers, schedulers). Start must return once started; ctx ends at
// shutdown.
type Starter interface {
	Start(ctx context.Context) error
}

// Stopper is implemented by services that must finish work before the host
// exits. Services stop in the reverse order of Add.
type Stopper interface {
	Stop(ctx context.Context) error
}

// App is the host. Its fields are the shared parts services are built
// from.
type App struct {
	// DataDir is the data folder.
	DataDir string
	// Log is the host logger.
	Log hclog.Logger
	// Store is the store: configuration documents, queue, runs, audit.
	Store store.Backend
	// Masker knows every secret in use and masks it in logs and audit.
	Masker *secrets.Masker
	// Metrics is the host's Prometheus registry, served at /metrics.
	Metrics *metrics.Registry
	// Services are the domain services.
	Services Services
	// Tokens manages API tokens.
	Tokens *api.Tokens
	// Plugins supervises connector processes.
	Plugins *pluginhost.Supervisor
	// API is the REST API server.
	API *api.Server

	opts       Options
	local      *store.MemoryCluster // leases of a store no other host shares
	singletons []*cluster.Singleton // work one host of the store at a time runs
	services   []any
	stopLast   []Stopper // closed after the plugins stop, in reverse order
	ready      atomic.Bool
	readiness
}

// New prepares the host: data folder, store, first admin token, plugin
// supervisor, API and services. Nothing listens until Run.
func New(ctx context.Context, opts Options) (*App, error) {
	if opts.DataDir == "" {
		return nil, errors.New("no data folder: pass --data DIR (it is created when missing)")
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.StoreProbeEvery == 0 {
		opts.StoreProbeEvery = 5 * time.Second
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 10 * time.Second
	}
	// Connectors start in their own folder, so every path handed to them
	// must be absolute; resolving the data folder once makes all of them so.
	abs, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data folder %q: %w", opts.DataDir, err)
	}
	opts.DataDir = abs
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	// One process at a time on a data folder: a second host would watch
	// and send everything twice.
	lock, err := datalock.Acquire(opts.DataDir)
	if err != nil {
		return nil, err
	}
	masker := secrets.NewMasker()
	a := &App{DataDir: opts.DataDir, Log: secrets.WrapLogger(opts.Logger, masker), Masker: masker,
		Store: opts.Store, Metrics: metrics.New(), opts: opts, local: store.NewMemoryCluster(nil)}
	a.stopLast = append(a.stopLast, closer{"data folder lock", lock.Release})
	if err := a.build(ctx); err != nil {
		a.closeLast()
		return nil, err
	}
	return a, nil
}

// build opens the store and wires every service; on error New closes
// what was opened.
func (a *App) build(ctx context.Context) error {
	if a.Store == nil {
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		a.Store = st
		a.stopLast = append(a.stopLast, closer{"store", st.Close})
	}
	a.Tokens = api.NewTokens(a.Store)
	path, created, err := a.Tokens.Bootstrap(ctx, a.DataDir)
	if err != nil {
		return err
	}
	if created {
		a.Log.Info("wrote the first admin API token; use it as IDBRIDGE_TOKEN", "file", path)
	}
	pcfg := a.opts.Plugins
	if pcfg.Logger == nil {
		pcfg.Logger = a.Log
	}
	a.Plugins = pluginhost.NewSupervisor(pcfg)
	a.API = api.NewServer(api.Options{
		Auth:      a.Tokens,
		Logger:    a.Log.Named("api"),
		Auditor:   newStoreAuditor(a.Store.Audit(), a.Masker, a.Log.Named("audit")),
		Ready:     a.readyErr,
		ReadyInfo: a.readyInfo,
		Version:   version.Version,
		Observe:   a.Metrics.ObserveAPI,
		Mask:      a.Masker.Bytes,
	})
	if err := a.Metrics.Register(metrics.Plugins(a.Plugins), metrics.Queue(a.Store.Queue()), metrics.Runs(a.Store.Runs()),
		leaseCollector{a}, heldCollector{a}); err != nil {
		return err
	}
	// The host's services, one line each.
	if err := a.Add(a.Tokens, a.Plugins, auditRoutes{a.Store.Audit()}); err != nil {
		return err
	}
	return a.wire(ctx)
}

// Add registers services: their routes are mounted now, and Start and Stop
// run with the host.
func (a *App) Add(services ...any) error {
	for _, s := range services {
		if p, ok := s.(api.RouteProvider); ok {
			if err := a.API.Mount(p); err != nil {
				return fmt.Errorf("mount %T: %w", s, err)
			}
		}
		a.services = append(a.services, s)
	}
	return nil
}

// openStore opens the store Options name: PostgreSQL at StoreURL, else
// SQLite in the data folder.
func (a *App) openStore(ctx context.Context) (store.Backend, error) {
	if a.opts.StoreURL != "" {
		st, err := postgres.Open(ctx, a.opts.StoreURL, postgres.Options{PasswordFile: a.opts.StorePasswordFile, Logger: a.Log.Named("store")})
		if err != nil {
			return nil, fmt.Errorf("open the shared store: %w", err)
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, a.dataPath(sqlite.FileName), sqlite.Options{Logger: a.Log.Named("store")})
	if err != nil {
		return nil, fmt.Errorf("open the store in %s: %w", a.DataDir, err)
	}
	return st, nil
}

// pinger is a store that can tell whether its database answers.
type pinger interface {
	Ping(ctx context.Context) error
}

// Run starts the services, serves the API on the configured address and,
// when ctx ends, shuts everything down: the API first (letting running
// calls finish), then the services in reverse order, then every plugin.
func (a *App) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.opts.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another idbridge running? choose another address with --listen)", a.opts.Listen, err)
	}
	return a.Serve(ctx, ln)
}

// Serve is Run on an existing listener; tests pass one on port 0.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	scheme := "http"
	if exposedInClear(ln.Addr(), a.opts.TLS != nil) {
		a.Log.Warn("the API listens beyond this machine over plain HTTP: API tokens, console sessions and directory data cross the network in clear; "+
			"serve HTTPS with --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS reverse proxy", "addr", ln.Addr().String())
	}
	if a.opts.TLS != nil {
		scheme = "https"
		if exp := certExpiry(a.opts.TLS); !exp.IsZero() && time.Now().After(exp) {
			a.Log.Warn("the TLS certificate has expired; clients will refuse it until it is renewed and the host restarted", "not_after", exp)
		}
		// The listener, not the http.Server, does TLS, so the API package
		// keeps one serving path for both schemes.
		ln = tls.NewListener(ln, a.opts.TLS.Clone())
	}
	svcCtx, cancelSvcs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSvcs()
	started, err := a.start(svcCtx)
	defer a.stop(started)
	if err != nil {
		ln.Close()
		return err
	}

	a.ready.Store(true)
	a.Log.Info("idbridge host ready", "version", version.Version, "api", scheme+"://"+ln.Addr().String(), "data", a.DataDir)
	root, err := a.handler(ln.Addr())
	if err != nil {
		return err
	}
	err = a.API.ServeHandler(ctx, ln, a.opts.ShutdownGrace, root)
	a.ready.Store(false)
	a.Log.Info("idbridge host stopping")
	return err
}

// start runs every Starter in order and returns those started.
func (a *App) start(ctx context.Context) ([]any, error) {
	var started []any
	for _, s := range a.services {
		if st, ok := s.(Starter); ok {
			if err := st.Start(ctx); err != nil {
				return started, fmt.Errorf("start %T: %w", s, err)
			}
		}
		started = append(started, s)
	}
	return started, nil
}

// stop stops services in reverse order, then every plugin.
func (a *App) stop(started []any) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.ShutdownGrace)
	defer cancel()
	for i := len(started) - 1; i >= 0; i-- {
		if st, ok := started[i].(Stopper); ok {
			if err := st.Stop(ctx); err != nil {
				a.Log.Error("service did not stop cleanly", "service", fmt.Sprintf("%T", started[i]), "error", err)
			}
		}
	}
	if err := a.Plugins.Shutdown(ctx); err != nil {
		a.Log.Error("connectors did not all stop", "error", err)
	}
	a.closeLast()
}

// closeLast closes, in reverse order, what must outlive the services: the
// directory connection, the demo directory, the store.
func (a *App) closeLast() {
	for i := len(a.stopLast) - 1; i >= 0; i-- {
		if err := a.stopLast[i].Stop(context.Background()); err != nil {
			a.Log.Error("shutdown", "error", err)
		}
	}
	a.stopLast = nil
}

// isLoopback reports whether addr is a loopback address.
func isLoopback(addr net.Addr) bool {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Close releases what New opened when Run is not called or failed before
// serving: plugins, the directory connection and the store.
func (a *App) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.ShutdownGrace)
	defer cancel()
	_ = a.Plugins.Shutdown(ctx)
	a.closeLast()
}
