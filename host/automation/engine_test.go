package automation_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/outbound/outboundtest"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/watch"
	"github.com/idbridge/idbridge/marketplace/templates"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

const integ = "clockify"

// engineEnv is the host's real chain after the automation service: the
// orchestration engine over a store, the outbound webhook service, and
// the Clockify connector plugin talking to the sandbox.
type engineEnv struct {
	*clockifyEnv
	hooks  *outbound.Service
	eng    *orchestration.Engine
	runner automation.EngineRunner
}

func startEngine(t testing.TB, c *directory.Client) *engineEnv {
	return startEngineWith(t, c, func(cfg *orchestration.Config) {
		cfg.MinBackoff, cfg.MaxBackoff, cfg.Poll = 20*time.Millisecond, 500*time.Millisecond, 50*time.Millisecond
	})
}

// startEngineWith is startEngine with the engine's configuration adjusted
// by edit (the benchmark keeps the production defaults).
func startEngineWith(t testing.TB, c *directory.Client, edit func(*orchestration.Config)) *engineEnv {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	ints := outboundtest.NewIntegrations(pluginhost.Config{Logger: hclog.NewNullLogger()})
	t.Cleanup(func() { _ = ints.Close(context.Background()) })
	if _, err := ints.AddPlugin(integ, pluginPath, map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
		clockify.SettingBaseURL:     sb.BaseURL(),
		clockify.SettingAPIKey:      sandbox.DefaultAdminKey,
		clockify.SettingRateLimit:   "1000",
	}, clockify.SettingAPIKey); err != nil {
		t.Fatal(err)
	}
	st := store.NewMemory(nil)
	masker := secrets.NewMasker()
	masker.Add(sandbox.DefaultAdminKey)
	hooks := outbound.New(outbound.Config{Docs: st, Integrations: ints, Schema: c, Masker: masker})
	cfg := orchestration.Config{Docs: st, Queue: st.Queue(), Runs: st.Runs(), Webhooks: hooks, Directory: c}
	edit(&cfg)
	eng, err := orchestration.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = eng.Run(runCtx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return &engineEnv{clockifyEnv: &clockifyEnv{sb: sb}, hooks: hooks, eng: eng, runner: automation.EngineRunner{Engine: eng}}
}

// TestInstallTemplatesIntoTheEngine saves the shipped templates through
// the engine's own checks ("install templates from extension").
func TestInstallTemplatesIntoTheEngine(t *testing.T) {
	c := demoClient(t)
	e := startEngine(t, c)
	all, err := clockifyTemplates()
	must(t, err)
	ids, err := automation.InstallTemplates(context.Background(), e.hooks, e.eng, integ, all)
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	for _, want := range []string{"clockify-onboarding", "clockify-move", "clockify-offboarding", "clockify-return"} {
		if !strings.Contains(strings.Join(ids, ","), want) {
			t.Errorf("%s was not installed; installed %v", want, ids)
		}
	}
	w, err := e.hooks.Get(context.Background(), integ, "find-group-by-name")
	if err != nil || !w.Preconfigured {
		t.Fatalf("the templates must use the connector's preconfigured find-group-by-name: %+v, %v", w, err)
	}
	info, err := e.runner.Template(context.Background(), "clockify-onboarding")
	if err != nil || strings.Join(info.Integrations, ",") != integ {
		t.Fatalf("template info %+v, %v", info, err)
	}
	if _, err := e.runner.Template(context.Background(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown template: %v", err)
	}
}

// TestLifecycleThroughTheEngine drives onboarding, offboarding (disable
// and leaving scope) and return by real directory changes through the
// production chain: watcher → automation service → orchestration engine
// and its durable queue → connector plugin → sandbox.
func TestLifecycleThroughTheEngine(t *testing.T) {
	directories(t, func(t *testing.T, c *directory.Client) {
		e := startEngine(t, c)
		all, err := clockifyTemplates()
		must(t, err)
		_, _ = automation.InstallTemplates(context.Background(), e.hooks, e.eng, integ, all)
		f := newFixture(t, c, automation.Config{Runner: e.runner, Templates: e.runner})
		scope := automation.Scope{OU: f.in, Subtree: true}
		f.create(eventAutomation("On", "clockify-onboarding", scope, watch.UserCreated, automation.ScopeEntered))
		f.create(eventAutomation("Off", "clockify-offboarding", scope, watch.UserDisabled, watch.UserDeleted, automation.ScopeLeft))
		f.create(eventAutomation("Back", "clockify-return", scope, watch.UserReEnabled))
		f.create(eventAutomation("Move", "clockify-move", scope, watch.UserChanged))

		u := f.user(f.in, "eng", map[string][]string{"department": {"Platform"}})
		mail := u.Get("mail")
		f.poll()
		eventually(t, "onboarding", func() bool {
			m, ok := e.member(mail)
			g := e.groupsOf(m.ID)
			return ok && len(g) == 1 && g[0] == "Platform"
		})
		// Move: the department changes, and the group membership follows
		// through the engine, which renders %previous.department%.
		must(t, c.Modify(f.ctx, u.DN, directory.Replace("department", "Data")))
		f.poll()
		eventually(t, "move", func() bool {
			m, _ := e.member(mail)
			g := e.groupsOf(m.ID)
			return len(g) == 1 && g[0] == "Data"
		})
		status := func(want string) func() bool {
			return func() bool { m, _ := e.member(mail); return m.MembershipStatus == want }
		}
		must(t, c.Disable(f.ctx, u.DN))
		f.poll()
		eventually(t, "offboarding on disable", status("INACTIVE"))
		must(t, c.Enable(f.ctx, u.DN))
		f.poll()
		eventually(t, "return", status("ACTIVE"))
		_, err = c.Move(f.ctx, u.DN, f.out)
		must(t, err)
		f.poll()
		eventually(t, "offboarding on leaving scope", status("INACTIVE"))
	})
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: the sandbox did not reach the expected state within 10s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestInstallerOffersTheShippedTemplates installs through the route's
// method and refuses an install that names no integration.
func TestInstallerOffersTheShippedTemplates(t *testing.T) {
	e := startEngine(t, demoClient(t))
	in := automation.Installer{Hooks: e.hooks, Engine: e.eng,
		Shipped: func(_ context.Context, ext string) ([]templates.Template, error) {
			if ext != "clockify" {
				return nil, fmt.Errorf("extension %s ships no orchestration templates", ext)
			}
			return clockifyTemplates()
		},
		ExtensionOf: func(_ context.Context, id string) (string, error) {
			if id != integ {
				return "", store.ErrNotFound
			}
			return "clockify", nil
		}}
	ctx := context.Background()
	res, err := in.Install(ctx, automation.InstallRequest{Integration: integ})
	must(t, err)
	if len(res.Installed) < 3 {
		t.Fatalf("installed %v; refused: %s", res.Installed, res.Refused)
	}
	list, err := e.eng.Templates(ctx)
	must(t, err)
	if len(list) != len(res.Installed) {
		t.Fatalf("the engine holds %d templates, %d reported installed", len(list), len(res.Installed))
	}
	for _, tp := range list {
		for _, s := range tp.Steps {
			if s.Kind == orchestration.KindWebhook && s.Integration != integ {
				t.Errorf("%s step %s calls through %q", tp.ID, s.ID, s.Integration)
			}
		}
	}
	if _, err := in.Install(ctx, automation.InstallRequest{}); !errors.Is(err, automation.ErrNoIntegration) {
		t.Fatalf("install without integration: %v", err)
	}
	if _, err := in.Install(ctx, automation.InstallRequest{Integration: integ, Extension: "acme"}); err == nil {
		t.Fatal("install of an extension that ships no templates succeeded")
	}
	if _, err := in.Install(ctx, automation.InstallRequest{Integration: "nope"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("install for an unknown integration: %v", err)
	}
	bare := automation.Installer{Hooks: e.hooks, Engine: e.eng, Shipped: in.Shipped}
	if _, err := bare.Install(ctx, automation.InstallRequest{Integration: integ}); !errors.Is(err, automation.ErrNoExtension) {
		t.Fatalf("install naming no extension, none to look up: %v", err)
	}
}
