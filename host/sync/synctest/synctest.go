// Package synctest starts what inbound and sync tests run against: the
// real Clockify connector binary under the plugin supervisor, an
// integration configured for an app the caller starts, an SQLite store and
// the inbound endpoint service, all in a temporary data folder.
//
// The app (in this repository's tests, the Clockify sandbox) comes in
// through Options.StartApp from the caller's test files, so this package,
// which is compiled with the host, imports no connector code. See decision
// 0206.
package synctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// IntegrationID is the id of the integration Start configures.
const IntegrationID = "clockify"

// Env is one test's host side and app.
type Env struct {
	// DataDir holds the store, the log file and the connector binary.
	DataDir string
	// LogPath is the host log (every logger of the env writes there).
	LogPath string
	// APIKey is the integration's secret, unique to this env unless
	// Options.APIKey chose it.
	APIKey string
	Store  *sqlite.Store
	// Plugins supervises the connector process.
	Plugins *pluginhost.Supervisor
	Masker  *secrets.Masker
	Logger  hclog.Logger
	// Integrations and Inbound are the real services.
	Integrations *integrations.Service
	Inbound      *inbound.Service
}

// App is the app an env's integration talks to, as the caller's fixture
// started it.
type App struct {
	// Settings point the integration at the app: its baseUrl and whatever
	// else the connector needs to find the data (Clockify's workspaceId).
	Settings map[string]string
	// Close stops the app when the test ends; nil when the caller owns
	// the app's life (a benchmark's app started elsewhere).
	Close func() error
}

// StartApp starts the app for one env. apiKey is the key the integration
// will present, which the app must accept.
type StartApp func(ctx context.Context, apiKey string) (App, error)

// ErrNoApp is Start's answer to Options without StartApp.
var ErrNoApp = errors.New("synctest: Options.StartApp is required: pass a function that starts the app (e.g. the Clockify sandbox) from the test's own files")

// Options tune Start.
type Options struct {
	// StartApp starts the app; required.
	StartApp StartApp
	// APIKey is the integration's secret; empty means a random one.
	APIKey string
	// DataDir keeps the data folder somewhere chosen by the caller.
	DataDir string
	// Settings are extra plain settings of the integration, e.g. the
	// connector's rateLimit.
	Settings map[string]string
}

// Start builds the connector, starts the app and the services, creates
// and enables the integration, and stops everything when the test ends.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	if opts.StartApp == nil {
		t.Fatal(ErrNoApp)
	}
	ctx := context.Background()
	dir := opts.DataDir
	if dir == "" {
		dir = t.TempDir()
	}
	e := &Env{DataDir: dir, LogPath: filepath.Join(dir, "host.log"), APIKey: "sbx-test-" + randomHex(16), Masker: secrets.NewMasker()}
	logf, err := os.OpenFile(e.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	e.Logger = secrets.NewLogger(&hclog.LoggerOptions{Name: "host", Level: hclog.Trace, Output: logf}, e.Masker)

	if opts.APIKey != "" {
		e.APIKey = opts.APIKey
	}
	app, err := opts.StartApp(ctx, e.APIKey)
	if err != nil {
		t.Fatalf("start the app: %v", err)
	}
	if app.Close != nil {
		t.Cleanup(func() { _ = app.Close() })
	}

	e.Store, err = sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName), sqlite.Options{Logger: e.Logger.Named("store"), Synchronous: "NORMAL"})
	if err != nil {
		t.Fatalf("open the store: %v", err)
	}
	t.Cleanup(func() { _ = e.Store.Close() })

	bin, sum := ConnectorBinary(t, dir)
	sup := pluginhost.NewSupervisor(pluginhost.Config{Logger: e.Logger.Named("plugins")})
	e.Plugins = sup
	t.Cleanup(func() { _ = sup.Shutdown(context.Background()) })
	key := make([]byte, secrets.KeySize)
	_, _ = rand.Read(key)
	box, err := secrets.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	e.Integrations, err = integrations.New(integrations.Config{
		Docs: e.Store, Box: box, Runner: integrations.SupervisorRunner{Supervisor: sup}, Masker: e.Masker,
		Logger:   e.Logger.Named("integrations"),
		Binaries: integrations.BinariesFunc(func(context.Context, string) (string, string, error) { return bin, sum, nil }),
	})
	if err != nil {
		t.Fatal(err)
	}
	callCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	settings := maps.Clone(app.Settings)
	if settings == nil {
		settings = map[string]string{}
	}
	maps.Copy(settings, opts.Settings)
	if _, err := e.Integrations.Create(callCtx, integrations.CreateRequest{ID: IntegrationID, ExtensionID: "clockify", Name: "Clockify",
		Settings:      settings,
		Authorization: map[string]string{"apiKey": e.APIKey}}); err != nil {
		t.Fatalf("create the integration: %v", err)
	}
	if _, err := e.Integrations.Enable(callCtx, IntegrationID); err != nil {
		t.Fatalf("enable the integration: %v", err)
	}
	e.Inbound, err = inbound.New(inbound.Config{Docs: e.Store, Integrations: e.Integrations, Masker: e.Masker,
		Logger: e.Logger.Named("inbound")})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// ConnectorBinary builds the Clockify connector into dir and returns its
// path and sha256, as the extension manager would after an install.
func ConnectorBinary(t testing.TB, dir string) (path, sum string) {
	t.Helper()
	path = filepath.Join(dir, "idbridge-clockify")
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("find the go command to build the connector: %v", err)
	}
	cmd := exec.Command(gobin, "build", "-o", path, "github.com/idbridge/idbridge/plugins/clockify/cmd/idbridge-clockify")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the Clockify connector: %v\n%s", err, out)
	}
	sum, err = pluginhost.FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, sum
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
