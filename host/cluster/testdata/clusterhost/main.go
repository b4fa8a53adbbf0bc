// Command clusterhost is a host reduced to what the multi-host test needs:
// the orchestration engine on a shared PostgreSQL store, pacing its calls
// through the shared rate budget, and a singleton lease standing in for the
// directory watcher. Several run at once on one schema; the test kills
// some with SIGKILL. The first (-start) saves the template and starts one
// run that adds n users to the sandbox; each prints FINISHED once the run
// has finished and goes on holding or waiting for the lease until killed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/cluster"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/outbound/outboundtest"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

type flags struct {
	url, passwordFile, schema, name string
	plugin, baseURL, runID, rate    string
	n                               int
	start                           bool
}

func main() {
	var f flags
	flag.StringVar(&f.url, "url", "", "store URL")
	flag.StringVar(&f.passwordFile, "password-file", "", "store password file")
	flag.StringVar(&f.schema, "schema", "", "store schema")
	flag.StringVar(&f.name, "name", "", "host name (worker and lease holder)")
	flag.StringVar(&f.plugin, "plugin", "", "connector binary")
	flag.StringVar(&f.baseURL, "base-url", "", "sandbox base URL")
	flag.StringVar(&f.runID, "run", "cluster-run", "run id")
	flag.StringVar(&f.rate, "rate", "50", "integration rate limit (all hosts together)")
	flag.IntVar(&f.n, "n", 300, "objects")
	flag.BoolVar(&f.start, "start", false, "save the template and start the run")
	flag.Parse()
	if err := run(f); err != nil {
		fmt.Fprintln(os.Stderr, "clusterhost:", err)
		os.Exit(1)
	}
}

func run(f flags) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := hclog.New(&hclog.LoggerOptions{Name: f.name, Level: hclog.Warn, Output: os.Stderr})
	st, err := postgres.Open(ctx, f.url, postgres.Options{PasswordFile: f.passwordFile, Schema: f.schema, MaxConns: 40})
	if err != nil {
		return err
	}
	defer st.Close()
	ints := outboundtest.NewIntegrations(pluginhost.Config{Logger: hclog.NewNullLogger()})
	defer ints.Close(context.Background())
	const integ = "clockify-main"
	if _, err := ints.AddPlugin(integ, f.plugin, map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
		clockify.SettingBaseURL:     f.baseURL,
		clockify.SettingAPIKey:      sandbox.DefaultAdminKey,
		clockify.SettingRateLimit:   f.rate,
	}, clockify.SettingAPIKey); err != nil {
		return err
	}
	masker := secrets.NewMasker()
	masker.Add(sandbox.DefaultAdminKey)
	hooks := outbound.New(outbound.Config{Docs: st, Integrations: ints, Masker: masker})
	eng, err := orchestration.New(orchestration.Config{Docs: st, Queue: st.Queue(), Runs: st.Runs(), Webhooks: hooks,
		Worker: f.name, Concurrency: 48, Lease: 5 * time.Second, Poll: 50 * time.Millisecond, MinBackoff: 50 * time.Millisecond,
		SharedRate: cluster.NewBudget(st, log), Logger: log})
	if err != nil {
		return err
	}
	if f.start {
		if err := startRun(ctx, eng, f, integ); err != nil {
			return err
		}
	}
	watcher := &cluster.Singleton{Name: "watcher", Holder: f.name, Leases: st, Logger: log,
		Work: func(ctx context.Context) error { <-ctx.Done(); return nil }}
	go watcher.Run(ctx)
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	fmt.Println("READY")
	for {
		r, err := st.Runs().Get(ctx, f.runID)
		if err == nil && !r.Finished.IsZero() {
			fmt.Printf("FINISHED %s\n", r.Status)
			return <-done
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func startRun(ctx context.Context, eng *orchestration.Engine, f flags, integ string) error {
	tm := orchestration.Template{ID: "onboard", Name: "Onboarding", Steps: []orchestration.Step{{
		ID: "add", Kind: orchestration.KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUser,
		Inputs: map[string]string{"email": "%ad.mail%", "sendEmail": "false"},
		Verify: &orchestration.Verify{Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}},
	}}}
	if _, err := eng.SaveTemplate(ctx, tm); err != nil {
		return err
	}
	objs := make([]outbound.Object, f.n)
	for i := range objs {
		objs[i] = outbound.Object{ID: fmt.Sprintf("member-%05d", i), DN: fmt.Sprintf("CN=Member %d,OU=Staff,DC=corp,DC=example", i),
			Attributes: map[string][]string{"mail": {fmt.Sprintf("member.%d@corp.example", i)}}}
	}
	_, err := eng.StartRun(ctx, orchestration.RunRequest{RunID: f.runID, TemplateID: "onboard", Trigger: "test", Objects: objs})
	return err
}
