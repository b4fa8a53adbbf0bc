package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/console"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/demodir"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/extbuild"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	"github.com/idbridge/idbridge/plugins/clockify/templates"
)

// testHost is a host wired as the application wires it (store, secrets,
// plugin supervisor, extension manager, integrations, inbound endpoints,
// sync against a real LDAP directory, the API with a persistent audit log,
// and the console), serving on loopback. Nothing is pre-configured: the
// browser installs and configures everything.
type testHost struct {
	URL     string
	DataDir string
	Tokens  *api.Tokens
	Admin   string // the admin token's secret
	Ext     *extbuild.Result
	Sandbox *sandbox.Server
	Dir     *demodir.Server
	DirConn *directory.Client
	Store   *sqlite.Store
	Hooks   *outbound.Service
	Engine  *orchestration.Engine
}

// installTemplate saves one of the Clockify extension's lifecycle
// templates for the integration, as the host does once the integration is
// enabled.
func (h *testHost) installTemplate(t *testing.T, integration, id string) {
	t.Helper()
	tmpl, err := templates.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := automation.InstallTemplates(context.Background(), h.Hooks, h.Engine, integration, []templates.Template{tmpl}); err != nil {
		t.Fatalf("install the lifecycle templates: %v", err)
	}
}

// buildExtension builds and signs the Clockify .ext for this platform, as
// `make ext` does.
func buildExtension(t *testing.T, work string) *extbuild.Result {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := extbuild.Build(ctx, extbuild.Options{ModuleRoot: root, Version: "0.1.0", OutDir: filepath.Join(work, "dist"),
		KeyPath: filepath.Join(work, "keys", "dev.key"), Platforms: []string{ext.HostPlatform()}})
	if err != nil {
		t.Fatalf("build the Clockify extension: %v", err)
	}
	return res
}

func startHost(t *testing.T) *testHost {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	work := t.TempDir()
	h := &testHost{DataDir: filepath.Join(work, "data")}
	if err := os.MkdirAll(h.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	h.Ext = buildExtension(t, work)

	masker := secrets.NewMasker()
	logf, err := os.Create(filepath.Join(work, "host.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	log := secrets.NewLogger(&hclog.LoggerOptions{Name: "host", Level: hclog.Debug, Output: logf, JSONFormat: true}, masker)

	h.Sandbox, err = sandbox.Start(ctx, sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatalf("start the Clockify sandbox: %v", err)
	}
	t.Cleanup(func() { _ = h.Sandbox.Close() })
	h.Dir, err = demodir.Start(ctx, demodir.Options{Seed: demodir.DemoSeed(), Logger: log.Named("demodir")})
	if err != nil {
		t.Fatalf("start the demo directory: %v", err)
	}
	t.Cleanup(func() { _ = h.Dir.Close() })
	h.DirConn, err = directory.Open(ctx, directory.Config{URL: h.Dir.URL(), PlainText: true, BindDN: h.Dir.BindDN(),
		Password: h.Dir.Password(), BaseDN: h.Dir.BaseDN()})
	if err != nil {
		t.Fatalf("connect to the demo directory: %v", err)
	}
	t.Cleanup(func() { h.DirConn.Close() })

	h.Store, err = sqlite.Open(ctx, filepath.Join(h.DataDir, sqlite.FileName), sqlite.Options{Logger: log.Named("store")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Store.Close() })
	box, _, err := secrets.OpenBox(h.DataDir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	sup := pluginhost.NewSupervisor(pluginhost.Config{Logger: log.Named("plugins")})
	t.Cleanup(func() { _ = sup.Shutdown(context.Background()) })

	var mgr *extensions.Manager
	integ, err := integrations.New(integrations.Config{Docs: h.Store, Box: box, Masker: masker, Logger: log,
		Runner: integrations.SupervisorRunner{Supervisor: sup},
		Binaries: integrations.BinariesFunc(func(ctx context.Context, id string) (string, string, error) {
			return mgr.BinaryPath(ctx, id)
		})})
	if err != nil {
		t.Fatal(err)
	}
	mgr, err = extensions.New(ctx, extensions.Config{DataDir: h.DataDir, Docs: h.Store, Usage: integ, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	in, err := inbound.New(inbound.Config{Docs: h.Store, Integrations: integ, Masker: masker, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	syncs, err := idsync.New(idsync.Config{Docs: h.Store, Runs: h.Store.Runs(), Endpoints: in, Directory: h.DirConn,
		Masker: masker, Logger: log})
	if err != nil {
		t.Fatal(err)
	}

	hooks := outbound.New(outbound.Config{Docs: h.Store, Integrations: outbound.ServiceIntegrations{Service: integ},
		Schema: h.DirConn, Objects: outbound.DirectoryObjects{Client: h.DirConn}, Masker: masker, Logger: log})
	engine, err := orchestration.New(orchestration.Config{Docs: h.Store, Queue: h.Store.Queue(), Runs: h.Store.Runs(),
		Webhooks: hooks, Directory: h.DirConn, Logger: log, Poll: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h.Hooks, h.Engine = hooks, engine
	runner := automation.EngineRunner{Engine: engine}
	autos, err := automation.New(automation.Config{Docs: h.Store, Directory: h.DirConn, Runner: runner, Templates: runner, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	engineDone := make(chan struct{})
	go func() { defer close(engineDone); _ = engine.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-engineDone })

	h.Tokens = api.NewTokens(h.Store)
	h.Admin, _, err = h.Tokens.Create(ctx, "ada (admin)", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: h.Tokens, Logger: log.Named("api"), Auditor: auditTo(h.Store.Audit())})
	if err := srv.Mount(h.Tokens, mgr, integ, in, syncs, hooks, engine, autos, auditRoutes{h.Store.Audit()}); err != nil {
		t.Fatal(err)
	}
	c, err := console.New(console.Options{API: srv, Auth: h.Tokens, Logger: log.Named("console")})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: console.Mux(srv, c), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	h.URL = "http://" + ln.Addr().String()
	return h
}

// auditTo persists the API's audit entries in the store's audit log.
func auditTo(a store.Audit) api.Auditor {
	return api.AuditorFunc(func(ctx context.Context, e api.AuditEntry) error {
		before, _ := json.Marshal(e.Before)
		after, _ := json.Marshal(e.After)
		_, err := a.Append(ctx, store.AuditEntry{At: e.Time, Actor: e.Actor, Action: e.Method + " " + e.Route,
			Target: e.Path, Before: before, After: after, Outcome: fmt.Sprint(e.Status)})
		return err
	})
}

// auditRoutes serves the audit log read-only until the application's own
// audit routes are wired; the console finds it like any section.
type auditRoutes struct{ a store.Audit }

func (r auditRoutes) Routes() []api.Route {
	return []api.Route{{Method: "GET", Pattern: "/v1/audit", MinRole: api.RoleAuditor, Summary: "The audit log, newest first",
		Handler: func(c *api.Call) (any, error) {
			entries, _, err := r.a.List(c.Context(), store.AuditFilter{})
			return entries, err
		}}}
}
