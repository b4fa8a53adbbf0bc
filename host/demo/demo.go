package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/app"
)

// Options configure Run.
type Options struct {
	// Bin is the folder holding idbridge and clockify-sandbox (make build
	// puts them in bin/).
	Bin string
	// Dist is the folder of signed .ext archives (make ext writes dist/).
	Dist string
	// PublicKey is the .pub of the key that signed them; the demo's
	// catalog is trusted with it.
	PublicKey string
	// Work is the folder for the fresh data folder, the logs and the
	// sandbox's seed; empty makes a new temporary one, removed when Run
	// returns unless Keep is set.
	Work string
	// Keep leaves the temporary work folder (data folder and admin token
	// included) in place after Run returns, for inspection. A folder
	// given in Work is never removed.
	Keep bool
	// Listen is the host's address; empty means app.DefaultListen.
	// "127.0.0.1:0" picks a free port.
	Listen string
	// Short ends after the report instead of serving until ctx ends.
	Short bool
	// Out receives progress lines and the report.
	Out io.Writer
}

// sandboxWorkspace is the workspace clockify-sandbox --demo serves. The
// demo drives the sandbox as a separate program and speaks to it only over
// HTTP, so the host binary holds no connector code (see decision 0201).
const sandboxWorkspace = "6650a1b2c3d4e5f6a7b8c9d0"

// Integration is the id the demo gives its Clockify integration.
const Integration = "clockify"

// The people the demo onboards (apply-now) and offboards (disabled in the
// directory, seen by the watcher), by sAMAccountName.
var (
	onboard  = []string{"nora.quinn", "omar.haddad", "tom.becker"}
	offboard = []string{"ken.sales", "barbara.dev"}
)

// runner holds one demo's processes and clients.
type runner struct {
	opts Options
	work string
	// temporary is set when the demo made work itself (no Options.Work).
	temporary bool
	logs      string
	data      string
	out       io.Writer
	kids      []*child
	host      *apiclient.Client
	sb        sandboxClient
	report    Report
	started   time.Time
}

// Run runs the demo and returns its report. Unless Short, it keeps the
// host, sandbox and marketplace running until ctx ends. Every process it
// started is stopped before it returns.
func Run(ctx context.Context, opts Options) (*Report, error) {
	r := &runner{opts: opts, out: opts.Out, started: time.Now()}
	if r.out == nil {
		r.out = io.Discard
	}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	// Stop the processes before their folder goes away.
	failed := true
	defer func() { r.cleanUp(failed) }()
	if err := r.startAll(ctx); err != nil {
		return nil, err
	}
	if err := r.configure(ctx); err != nil {
		return &r.report, err
	}
	r.report.Elapsed = time.Since(r.started).Round(100 * time.Millisecond)
	r.report.Write(r.out)
	if !r.report.OK() {
		return &r.report, errors.New("some demo outcomes did not match the sandbox's state; see the report and " + r.logs)
	}
	failed = false
	if opts.Short {
		return &r.report, nil
	}
	fmt.Fprintf(r.out, "\nServing the API and console until Ctrl-C...\n")
	select {
	case <-ctx.Done():
	case <-r.kids[len(r.kids)-1].done:
		return &r.report, fmt.Errorf("the host stopped; see %s", r.kids[len(r.kids)-1].log)
	}
	fmt.Fprintln(r.out, "Stopping.")
	return &r.report, nil
}

func (r *runner) step(format string, args ...any) {
	fmt.Fprintf(r.out, "==> "+format+"\n", args...)
}

// prepare finds the binaries and the extension and makes the work folder.
func (r *runner) prepare() error {
	for _, name := range []string{"idbridge", "clockify-sandbox"} {
		if _, err := os.Stat(filepath.Join(r.opts.Bin, name)); err != nil {
			return fmt.Errorf("%s not found in %s: run `make build` first (or pass --bin)", name, r.opts.Bin)
		}
	}
	exts, _ := filepath.Glob(filepath.Join(r.opts.Dist, "*.ext"))
	if len(exts) == 0 {
		return fmt.Errorf("no .ext archive in %s: run `make ext` first (or pass --dist)", r.opts.Dist)
	}
	if _, err := os.Stat(r.opts.PublicKey); err != nil {
		return fmt.Errorf("signing key %s: %w (run `make ext`, which creates it, or pass --key)", r.opts.PublicKey, err)
	}
	r.work = r.opts.Work
	if r.work == "" {
		var err error
		if r.work, err = os.MkdirTemp("", "idbridge-demo-"); err != nil {
			return err
		}
		r.temporary = true
	}
	r.logs = filepath.Join(r.work, "logs")
	r.data = filepath.Join(r.work, "data")
	if _, err := os.Stat(r.data); err == nil {
		return fmt.Errorf("%s already holds a data folder: the demo starts on a fresh one; choose another --work", r.work)
	}
	return os.MkdirAll(r.logs, 0o700)
}

// startAll starts the sandbox, the marketplace and the host, each ready
// before the next.
func (r *runner) startAll(ctx context.Context) error {
	bin := func(n string) string { return filepath.Join(r.opts.Bin, n) }

	r.step("Starting the Clockify sandbox with the demo workspace (stale accounts included)")
	sbAddr, err := freeAddr()
	if err != nil {
		return err
	}
	key := make([]byte, 18)
	_, _ = rand.Read(key)
	r.sb = sandboxClient{base: "http://" + sbAddr + "/api", workspace: sandboxWorkspace, key: "demo-" + hex.EncodeToString(key)}
	sb, err := start("clockify-sandbox", bin("clockify-sandbox"),
		[]string{"--listen", sbAddr, "--demo", "--api-key", r.sb.key, "--rate", "50"}, r.logs)
	if err != nil {
		return err
	}
	r.kids = append(r.kids, sb)
	if err := waitHTTP(ctx, sb, r.sb.base+"/v1/workspaces/"+r.sb.workspace+"/users", http.Header{"X-Api-Key": {r.sb.key}}); err != nil {
		return err
	}
	r.report.Sandbox = r.sb.base

	r.step("Serving %s as a local marketplace", r.opts.Dist)
	mpAddr, err := freeAddr()
	if err != nil {
		return err
	}
	mp, err := start("marketplace", bin("idbridge"), []string{"marketplace", "serve", r.opts.Dist, "--listen", mpAddr}, r.logs)
	if err != nil {
		return err
	}
	r.kids = append(r.kids, mp)
	r.report.Marketplace = "http://" + mpAddr + "/"
	if err := waitHTTP(ctx, mp, r.report.Marketplace+"index.json", nil); err != nil {
		return err
	}

	listen := r.opts.Listen
	if listen == "" {
		listen = app.DefaultListen
	}
	if strings.HasSuffix(listen, ":0") {
		if listen, err = freeAddr(); err != nil {
			return err
		}
	}
	r.step("Starting the host on a fresh data folder %s with the embedded demo directory", r.data)
	host, err := start("idbridge-serve", bin("idbridge"), []string{"serve", "--data", r.data, "--listen", listen,
		"--demo-directory", "--watch-interval", "1s"}, r.logs)
	if err != nil {
		return err
	}
	r.kids = append(r.kids, host)
	base := "http://" + listen
	if err := waitHTTP(ctx, host, base+"/readyz", nil); err != nil {
		return err
	}
	tokenPath := filepath.Join(r.data, api.AdminTokenFile)
	raw, err := os.ReadFile(tokenPath)
	if err != nil {
		return fmt.Errorf("read the admin token: %w", err)
	}
	r.host = newClient(base, strings.TrimSpace(string(raw)), &http.Client{Timeout: 2 * time.Minute})
	r.report.Console, r.report.TokenPath, r.report.Logs = base+"/", tokenPath, r.logs
	return nil
}

// cleanUp stops every process, then removes the temporary work folder:
// it holds the admin token and the integration's secrets, which must not
// outlive the demo (see decision 0220). After a failure the logs are kept
// for the admin to read; the data folder, with the token, goes anyway.
func (r *runner) cleanUp(failed bool) {
	r.stopAll()
	if !r.temporary || r.opts.Keep {
		if r.temporary {
			fmt.Fprintf(r.out, "Kept the demo's folder %s (it holds the admin token; remove it when done).\n", r.work)
		}
		return
	}
	if failed {
		if err := os.RemoveAll(r.data); err != nil {
			fmt.Fprintf(r.out, "Could not remove %s: %v\n", r.data, err)
		}
		fmt.Fprintf(r.out, "Removed the demo's data folder; its logs stay in %s.\n", r.logs)
		return
	}
	if err := os.RemoveAll(r.work); err != nil {
		fmt.Fprintf(r.out, "Could not remove the demo's folder %s: %v\n", r.work, err)
		return
	}
	fmt.Fprintf(r.out, "Removed the demo's folder %s (pass --keep to keep it).\n", r.work)
}

// stopAll stops the children in reverse order: host, marketplace, sandbox.
func (r *runner) stopAll() {
	for i := len(r.kids) - 1; i >= 0; i-- {
		r.kids[i].stop(15 * time.Second)
	}
	r.kids = nil
}

// demoDirectory reads the embedded directory's address and credentials,
// which the host wrote to its data folder.
func (r *runner) demoDirectory() (app.DemoDirectoryInfo, error) {
	var info app.DemoDirectoryInfo
	raw, err := os.ReadFile(filepath.Join(r.data, app.DemoDirectoryFile))
	if err != nil {
		return info, err
	}
	return info, json.Unmarshal(raw, &info)
}
