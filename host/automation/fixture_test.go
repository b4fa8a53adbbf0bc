package automation_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/demodir"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/watch"
)

// directories runs fn against every directory a test can reach: the demo
// directory always, and the real Samba AD domain controller, which skips
// locally and fails in CI when it is missing.
func directories(t *testing.T, fn func(t *testing.T, c *directory.Client)) {
	t.Run("demodir", func(t *testing.T) { fn(t, demoClient(t)) })
	t.Run("samba", func(t *testing.T) { fn(t, dirtest.Connect(t, dirtest.AD(t))) })
}

// everyDirectory is directories plus OpenLDAP, for tests whose scope is
// an OU or a filter (OpenLDAP has no in-chain group matching).
func everyDirectory(t *testing.T, fn func(t *testing.T, c *directory.Client)) {
	directories(t, fn)
	t.Run("openldap", func(t *testing.T) { fn(t, dirtest.Connect(t, dirtest.OpenLDAP(t))) })
}

// demoClient starts an in-process AD-like directory and connects to it.
func demoClient(t testing.TB) *directory.Client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := demodir.Start(ctx, demodir.Options{})
	if err != nil {
		t.Fatalf("start the demo directory: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return dirtest.Connect(t, directory.Config{
		URL: srv.URL(), PlainText: true, BindDN: srv.BindDN(), Password: srv.Password(),
		BaseDN: srv.BaseDN(), Flavor: directory.FlavorAD, Timeout: 20 * time.Second,
	})
}

// runs records the run requests a service starts.
type runs struct {
	mu   sync.Mutex
	reqs []automation.RunRequest
	fail error
}

func (r *runs) StartRun(_ context.Context, req automation.RunRequest) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return "", r.fail
	}
	r.reqs = append(r.reqs, req)
	return "run-" + string(rune('a'+len(r.reqs)-1)), nil
}

// take returns and forgets the requests so far.
func (r *runs) take() []automation.RunRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// catalog is a template catalog of fixed ids, all using one integration.
type catalog map[string]automation.TemplateInfo

func (c catalog) Template(_ context.Context, id string) (automation.TemplateInfo, error) {
	if info, ok := c[id]; ok {
		return info, nil
	}
	return automation.TemplateInfo{}, store.ErrNotFound
}

var testCatalog = catalog{
	"onboard":  {ID: "onboard", Integrations: []string{"clockify"}},
	"move":     {ID: "move", Integrations: []string{"clockify"}},
	"offboard": {ID: "offboard", Integrations: []string{"clockify"}},
	"return":   {ID: "return", Integrations: []string{"clockify"}},
}

// fixture is a service over a directory with a test OU, and a watcher on
// that OU whose events go to the service.
type fixture struct {
	t    testing.TB
	ctx  context.Context
	c    *directory.Client
	root string // the test OU, watched
	in   string // OU=in under root: the scope of most automations
	out  string // OU=out under root: outside it
	docs *store.MemoryDocs
	runs *runs
	svc  *automation.Service
	w    *watch.Watcher
}

func newFixture(t testing.TB, c *directory.Client, cfg automation.Config) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), c: c, docs: store.NewMemoryDocs(), runs: &runs{}}
	f.root = dirtest.NewOU(t, c)
	var err error
	if f.in, err = c.CreateOU(f.ctx, f.root, "in"); err != nil {
		t.Fatal(err)
	}
	if f.out, err = c.CreateOU(f.ctx, f.root, "out"); err != nil {
		t.Fatal(err)
	}
	cfg.Docs, cfg.Directory = f.docs, c
	if cfg.Runner == nil {
		cfg.Runner = f.runs
	}
	if cfg.Templates == nil {
		cfg.Templates = testCatalog
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: testWriter{t}})
	}
	if f.svc, err = automation.New(cfg); err != nil {
		t.Fatal(err)
	}
	// Sweep at every poll, so a deletion on OpenLDAP shows at the next one.
	f.w, err = watch.New(c, watch.NewMemoryState(), watch.Options{Base: f.root, Handler: f.svc.Dispatch, SweepInterval: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	f.poll() // the first snapshot: no events
	return f
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func (f *fixture) poll() {
	f.t.Helper()
	if _, err := f.w.Poll(f.ctx); err != nil {
		f.t.Fatalf("poll: %v", err)
	}
}

func (f *fixture) create(a automation.Automation) *automation.Automation {
	f.t.Helper()
	out, err := f.svc.Create(f.ctx, a)
	if err != nil {
		f.t.Fatalf("create automation %s: %v", a.Name, err)
	}
	return out
}

func (f *fixture) user(ou, prefix string, attrs map[string][]string) directory.User {
	f.t.Helper()
	return dirtest.AddUser(f.t, f.c, ou, dirtest.User{Name: dirtest.UniqueName(prefix), Attributes: attrs})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// expectRuns checks that exactly the given automations started one run
// each, for the object id, and returns the requests by automation.
func (f *fixture) expectRuns(id string, automations ...string) map[string]automation.RunRequest {
	f.t.Helper()
	got := map[string]automation.RunRequest{}
	var names []string
	for _, r := range f.runs.take() {
		names = append(names, r.Automation)
		got[r.Automation] = r
		if len(r.Objects) != 1 || r.Objects[0].ID != id {
			f.t.Errorf("run of %s covers %+v, want only %s", r.Automation, r.Objects, id)
		}
	}
	slices.Sort(names)
	want := slices.Clone(automations)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		f.t.Fatalf("runs started by %v, want %v", names, want)
	}
	return got
}

func eventAutomation(name, template string, scope automation.Scope, kinds ...watch.Kind) automation.Automation {
	return automation.Automation{Name: name, Enabled: true, Scope: scope,
		Trigger: automation.Trigger{Type: automation.TriggerEvent, Events: kinds},
		Action:  automation.Action{Template: template}}
}
