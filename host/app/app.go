package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/store"
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
	// Logger is the host logger; nil discards logs.
	Logger hclog.Logger
	// Docs is the configuration store. Nil keeps configuration in memory
	// for this run only, which suits tests and first trials.
	Docs store.Docs
	// Plugins tunes the plugin supervisor; its Logger defaults to Logger.
	Plugins pluginhost.Config
	// ShutdownGrace is how long running API calls may take to finish on
	// shutdown; 0 means 10s.
	ShutdownGrace time.Duration
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
	// Docs is the configuration store.
	Docs store.Docs
	// Tokens manages API tokens.
	Tokens *api.Tokens
	// Plugins supervises connector processes.
	Plugins *pluginhost.Supervisor
	// API is the REST API server.
	API *api.Server

	opts     Options
	services []any
	ready    atomic.Bool
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
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 10 * time.Second
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	a := &App{DataDir: opts.DataDir, Log: opts.Logger, Docs: opts.Docs, opts: opts}
	if a.Docs == nil {
		a.Log.Warn("no store configured: configuration is kept in memory and lost at exit")
		a.Docs = store.NewMemoryDocs()
	}

	a.Tokens = api.NewTokens(a.Docs)
	path, created, err := a.Tokens.Bootstrap(ctx, a.DataDir)
	if err != nil {
		return nil, err
	}
	if created {
		a.Log.Info("wrote the first admin API token; use it as IDBRIDGE_TOKEN", "file", path)
	}

	pcfg := opts.Plugins
	if pcfg.Logger == nil {
		pcfg.Logger = a.Log
	}
	a.Plugins = pluginhost.NewSupervisor(pcfg)
	a.API = api.NewServer(api.Options{
		Auth:    a.Tokens,
		Logger:  a.Log.Named("api"),
		Auditor: logAuditor{a.Log.Named("audit")},
		Ready:   a.readyErr,
		Version: version.Version,
	})

	// The host's services, one line each.
	if err := a.Add(a.Tokens, a.Plugins); err != nil {
		return nil, err
	}
	return a, nil
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

func (a *App) readyErr(context.Context) error {
	if !a.ready.Load() {
		return errors.New("the host is starting")
	}
	return nil
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
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			a.Log.Warn("the API listens beyond this machine over plain HTTP; put a TLS reverse proxy in front of it", "addr", ln.Addr().String())
		}
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
	a.Log.Info("idbridge host ready", "version", version.Version, "api", "http://"+ln.Addr().String(), "data", a.DataDir)
	err = a.API.Serve(ctx, ln, a.opts.ShutdownGrace)
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
}
