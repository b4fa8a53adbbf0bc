package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/cluster"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/dirsearch"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/secrets"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/marketplace/templates"
)

// Services are the host's domain services, exposed for tests and for the
// console; fields are nil when the service is not wired (no directory).
type Services struct {
	Extensions   *extensions.Manager
	Integrations *integrations.Service
	Inbound      *inbound.Service
	Sync         *idsync.Service
	Webhooks     *outbound.Service
	Engine       *orchestration.Engine
	Automations  *automation.Service
	Watcher      *watch.Watcher
	Directory    *directory.Client
}

// wire builds every domain service over the store and adds them, one line
// each, in dependency order: Stop runs in reverse, so the watcher and the
// scheduler stop before the engine, and the engine before the plugins.
func (a *App) wire(ctx context.Context) error {
	box, src, err := secrets.OpenBox(a.DataDir, a.opts.Getenv)
	if err != nil {
		return err
	}
	a.Log.Debug("master key loaded", "source", src, "key_id", box.KeyID())
	if _, shared := a.shared(); shared {
		if err := secrets.CheckSharedKey(ctx, a.Store, box.KeyID()); err != nil {
			return err
		}
	}
	log := a.Log
	s := &a.Services

	var mgr *extensions.Manager
	s.Integrations, err = integrations.New(integrations.Config{Docs: a.Store, Box: box, Masker: a.Masker, Logger: log,
		Runner:   integrations.SupervisorRunner{Supervisor: a.Plugins},
		Binaries: extensionBinaries{mgr: &mgr}})
	if err != nil {
		return err
	}
	mgr, err = extensions.New(ctx, extensions.Config{DataDir: a.DataDir, Docs: a.Store, Usage: s.Integrations,
		Logger: log, Changed: a.extensionChanged})
	if err != nil {
		return err
	}
	s.Extensions = mgr
	if err := a.addCatalogs(ctx); err != nil {
		return err
	}
	s.Inbound, err = inbound.New(inbound.Config{Docs: a.Store, Integrations: s.Integrations, Masker: a.Masker, Logger: log})
	if err != nil {
		return err
	}
	if err := a.Add(mgr, s.Integrations, s.Inbound); err != nil {
		return err
	}
	if _, shared := a.shared(); shared {
		// Extensions installed, upgraded or uninstalled through another
		// host reach this one. See decision 0237.
		if err := a.Add(newLoop("extension sync", log, func(ctx context.Context) error {
			return mgr.Follow(ctx, extensionSyncInterval)
		})); err != nil {
			return err
		}
	}

	dir, err := a.openDirectory(ctx)
	if err != nil {
		return err
	}
	if dir == nil {
		a.Log.Warn("no directory configured: data sources, webhooks, templates, runs and automations are off; " +
			"pass --directory-url (or --demo-directory) to turn them on")
		return nil
	}
	s.Directory = dir
	s.Sync, err = idsync.New(idsync.Config{Docs: a.Store, Runs: a.Store.Runs(), Endpoints: s.Inbound, Directory: dir,
		Masker: a.Masker, Logger: log, Settings: outbound.ServiceIntegrations{Service: s.Integrations}, RoleRuns: roleRuns{s}})
	if err != nil {
		return err
	}
	s.Webhooks = outbound.New(outbound.Config{Docs: a.Store, Integrations: outbound.ServiceIntegrations{Service: s.Integrations},
		Schema: dir, Objects: outbound.DirectoryObjects{Client: dir}, Masker: a.Masker, Logger: log})
	ocfg := a.opts.Engine
	ocfg.Docs, ocfg.Queue, ocfg.Runs, ocfg.Webhooks, ocfg.Directory, ocfg.Logger = a.Store, a.Store.Queue(), a.Store.Runs(), s.Webhooks, dir, log
	ocfg.Objects = outbound.DirectoryObjects{Client: dir}
	if ocfg.RateWait == nil {
		ocfg.RateWait = a.Metrics.ObserveRateWait
	}
	var budget *cluster.Budget
	if permits, shared := a.shared(); shared && ocfg.SharedRate == nil {
		// Hosts on one store share each integration's rate limit.
		budget = cluster.NewBudget(permits, log.Named("rate"))
		ocfg.SharedRate = budget
	}
	if ocfg.Worker == "" {
		ocfg.Worker = workerName(a.DataDir)
	}
	if ocfg.JournalRetention, err = a.journalRetention(ocfg.JournalRetention); err != nil {
		return err
	}
	s.Engine, err = orchestration.New(ocfg)
	if err != nil {
		return err
	}
	runner := automation.EngineRunner{Engine: s.Engine, Syncs: syncRunner{s.Sync, log.Named("automation")}}
	s.Automations, err = automation.New(automation.Config{Docs: a.Store, Directory: dir, Runner: runner, Templates: runner,
		Syncs: syncsExist{s.Sync}, Integrations: automation.IntegrationsOf(s.Integrations), Logger: log})
	if err != nil {
		return err
	}
	s.Integrations.Observe(s.Automations)
	services := []any{s.Sync, s.Webhooks, s.Engine, dirsearch.Routes{Directory: dir, Attributes: dir},
		newLoop("orchestration engine", log, s.Engine.Run),
		a.singleton("journal-retention", log, s.Engine.RetainJournals),
		s.Automations, automation.Installer{Hooks: s.Webhooks, Engine: s.Engine, Shipped: a.shippedTemplates, ExtensionOf: a.integrationExtension},
		// One host at a time runs schedules and watches the directory; the
		// watcher resumes from the high-water mark in the shared store.
		// See decision 0233.
		a.singleton("scheduler", log, s.Automations.Run)}
	if budget != nil {
		// First in the list, so stopped after the engine: it gives back
		// the permits of the engine's last calls.
		services = append([]any{budget}, services...)
	}
	mode, err := watchMode(a.opts.WatchMode)
	if err != nil {
		return err
	}
	interval := a.opts.WatchInterval
	if interval <= 0 {
		interval = watch.DefaultInterval
	}
	watched := &watchStatus{now: time.Now, mask: a.Masker.String, st: watch.Status{Mode: a.opts.WatchMode,
		Directory: dir.Config().URL, Base: dir.BaseDN(), Interval: interval.String()}}
	if watched.st.Mode == "" {
		watched.st.Mode = WatchPoll
	}
	services = append(services, watched)
	if a.opts.WatchMode == WatchOff {
		a.Log.Info("directory watcher off (--watch off): automations triggered by directory changes will not run")
		return a.Add(services...)
	}
	if mode == watch.ModeDirSync {
		root, err := dir.RootDSE(ctx)
		if err != nil {
			return fmt.Errorf("--watch dirsync: %w", err)
		}
		if !root.SupportsDirSync() {
			return errors.New("--watch dirsync: the directory does not offer DirSync (an Active Directory control); use --watch poll")
		}
	}
	s.Watcher, err = watch.New(dir, watch.NewDocsState(a.Store, "directory"), watch.Options{
		Mode: mode, Interval: a.opts.WatchInterval, Handler: watched.observe(s.Automations.Dispatch), Wanted: s.Automations.WantsEvents,
		Logger: log.Named("watch")})
	if err != nil {
		return fmt.Errorf("--watch %s: %w", a.opts.WatchMode, err)
	}
	watched.loop = s.Watcher
	return a.Add(append(services, a.singleton("watcher", log, s.Watcher.Run))...)
}

// The values of Options.WatchMode (serve --watch).
const (
	WatchPoll    = "poll"
	WatchDirSync = "dirsync"
	WatchOff     = "off"
)

// watchMode maps --watch to the watcher's mode.
func watchMode(v string) (watch.Mode, error) {
	switch v {
	case "", WatchPoll, WatchOff:
		return watch.ModeAuto, nil
	case WatchDirSync:
		return watch.ModeDirSync, nil
	}
	return "", fmt.Errorf("--watch %q: use poll, dirsync or off", v)
}

// addCatalogs saves the catalogs given with --catalog (NAME=URL or URL).
func (a *App) addCatalogs(ctx context.Context) error {
	for i, c := range a.opts.Catalogs {
		name, loc := catalogArg(c, i)
		if _, err := a.Services.Extensions.AddCatalog(ctx, name, loc); err != nil {
			return fmt.Errorf("--catalog %s: %w", c, err)
		}
		a.Log.Info("catalog configured", "name", name, "location", loc)
	}
	return nil
}

// catalogArg splits NAME=URL; a bare URL is named "default" (then
// "default-2", ...).
func catalogArg(arg string, i int) (name, loc string) {
	for j := 0; j < len(arg); j++ {
		switch arg[j] {
		case '=':
			return arg[:j], arg[j+1:]
		case ':', '/':
			j = len(arg)
		}
	}
	if i == 0 {
		return "default", arg
	}
	return fmt.Sprintf("default-%d", i+1), arg
}

// extensionChanged drops the plugin handles of every integration that runs
// the changed extension: the next call relaunches them on the new binary,
// and after an uninstall nothing keeps the old one running.
// extensionSyncInterval is how often a host on a shared store looks for
// extensions changed through other hosts: one small read of the records.
// A launch does not wait for it; it unpacks what it needs on demand.
const extensionSyncInterval = 5 * time.Second

func (a *App) extensionChanged(ctx context.Context, id string, rec *extensions.Record) {
	used, err := a.Services.Integrations.IntegrationsUsing(ctx, id)
	if err != nil {
		a.Log.Error("cannot list the integrations of a changed extension", "extension", id, "error", err)
		return
	}
	for _, u := range used {
		a.Plugins.Remove(u.IntegrationID)
		a.Log.Info("connector will restart on the changed extension", "integration", u.IntegrationID,
			"extension", id, "uninstalled", rec == nil)
		// A forced uninstall must not leave an integration enabled on a
		// connector that is gone: it is disabled, so what uses it pauses
		// and the console shows why (see decision 0221).
		if rec == nil && u.Enabled {
			if _, err := a.Services.Integrations.Disable(ctx, u.IntegrationID); err != nil {
				a.Log.Error("cannot disable an integration whose extension was uninstalled", "integration", u.IntegrationID, "error", err)
			}
		}
	}
}

// syncsExist adapts the sync service to automation.Syncs.
type syncsExist struct{ s *idsync.Service }

// SyncExists implements automation.Syncs.
func (s syncsExist) SyncExists(ctx context.Context, id string) error {
	_, err := s.s.Get(ctx, id)
	return err
}

// roleRuns hands a sync's role drift to the automation its data source
// names. The automations are wired after the sync service, so it reads
// them when an apply asks.
type roleRuns struct{ s *Services }

// ApplyRoles implements idsync.RoleRuns.
func (r roleRuns) ApplyRoles(ctx context.Context, id string, users []string) ([]string, error) {
	if r.s.Automations == nil {
		return nil, errors.New("automations are not running on this host")
	}
	a, err := r.s.Automations.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Action.Sync != "" {
		return nil, fmt.Errorf("automation %s runs a data source, not a template: name an automation of the roles template", id)
	}
	res, err := r.s.Automations.ApplyNow(ctx, id, automation.ApplyRequest{Users: users})
	if err != nil {
		return nil, err
	}
	return res.Runs, nil
}

// syncRunner starts data-source syncs for automations (action.sync). An
// apply records its run before it writes anything; it runs to the end
// here, so the automation that started it waits, which keeps two syncs
// of one data source from overlapping (the sync service refuses a second
// apply while one runs).
type syncRunner struct {
	s   *idsync.Service
	log hclog.Logger
}

// StartRun implements automation.Runner.
func (r syncRunner) StartRun(ctx context.Context, req automation.RunRequest) (string, error) {
	res, err := r.s.Apply(ctx, req.Sync, idsync.ApplyOptions{Trigger: req.Trigger})
	if res != nil && res.RunID != "" {
		if err != nil {
			r.log.Warn("sync started by an automation ended with an error; see its run", "automation", req.Automation,
				"data_source", req.Sync, "run", res.RunID, "error", err)
		}
		return res.RunID, nil
	}
	return "", err
}

// dataPath is a file in the data folder.
func (a *App) dataPath(name string) string { return filepath.Join(a.DataDir, name) }

// shippedTemplates reads the lifecycle templates an installed extension
// ships in its templates/ folder, so an upgraded extension's templates are
// the ones installed. The host has no templates of its own: it learns a
// connector's flows from its extension, as it would a third party's (see
// decision 0201).
func (a *App) shippedTemplates(ctx context.Context, ext string) ([]templates.Template, error) {
	d, err := a.Services.Extensions.Show(ctx, ext)
	if err != nil {
		return nil, fmt.Errorf("extension %s: %w (install it first)", ext, err)
	}
	dir := filepath.Join(a.DataDir, "extensions", d.Dir, "templates")
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("extension %s ships no orchestration templates", ext)
	}
	return templates.Load(os.DirFS(dir))
}

// integrationExtension names the extension an integration runs.
func (a *App) integrationExtension(ctx context.Context, integration string) (string, error) {
	in, err := a.Services.Integrations.Get(ctx, integration)
	if err != nil {
		return "", err
	}
	return in.ExtensionID, nil
}

// extensionBinaries lets the integrations service run what the extension
// manager installed, binaries and interpreted connectors alike. It holds
// the manager by reference because the manager is built after the
// service, which in turn answers the manager's usage questions.
type extensionBinaries struct{ mgr **extensions.Manager }

// BinaryPath implements integrations.Binaries.
func (b extensionBinaries) BinaryPath(ctx context.Context, id string) (string, string, error) {
	return (*b.mgr).BinaryPath(ctx, id)
}

// Identity implements integrations.Identities from the installed
// extension's record, which holds its manifest's promises.
func (b extensionBinaries) Identity(ctx context.Context, id string) (integrations.Promise, error) {
	d, err := (*b.mgr).Show(ctx, id)
	if err != nil {
		return integrations.Promise{}, err
	}
	return integrations.Promise{ID: d.ID, Version: d.Version, Protocols: d.ProtocolVersions, OutboundHosts: d.OutboundHosts}, nil
}

// Launch implements integrations.Launcher.
func (b extensionBinaries) Launch(ctx context.Context, id string) (integrations.Binary, error) {
	l, err := (*b.mgr).Launch(ctx, id)
	if err != nil {
		return integrations.Binary{}, err
	}
	return integrations.Binary{Path: l.Path, SHA256: l.SHA256, Interpreter: l.Interpreter, Pinned: l.Pinned, Dir: l.Dir}, nil
}
