// Command crashhost is a host reduced to the orchestration engine, for the
// crash test: it starts (or resumes) one run that adds n users to the
// sandbox and executes it until it finishes, printing FINISHED and the
// status. The test kills it with SIGKILL half-way and starts it again on
// the same store.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/outbound/outboundtest"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

func main() {
	db := flag.String("db", "", "store file")
	plugin := flag.String("plugin", "", "connector binary")
	baseURL := flag.String("base-url", "", "sandbox base URL")
	n := flag.Int("n", 1000, "objects")
	runID := flag.String("run", "crash-run", "run id")
	rate := flag.String("rate", "300", "integration rate limit")
	flag.Parse()
	if err := run(*db, *plugin, *baseURL, *n, *runID, *rate); err != nil {
		fmt.Fprintln(os.Stderr, "crashhost:", err)
		os.Exit(1)
	}
}

func run(db, plugin, baseURL string, n int, runID, rate string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	ints := outboundtest.NewIntegrations(pluginhost.Config{Logger: hclog.NewNullLogger()})
	defer ints.Close(context.Background())
	const integ = "clockify-main"
	if _, err := ints.AddPlugin(integ, plugin, map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
		clockify.SettingBaseURL:     baseURL,
		clockify.SettingAPIKey:      sandbox.DefaultAdminKey,
		clockify.SettingRateLimit:   rate,
	}, clockify.SettingAPIKey); err != nil {
		return err
	}
	masker := secrets.NewMasker()
	masker.Add(sandbox.DefaultAdminKey)
	hooks := outbound.New(outbound.Config{Docs: st, Integrations: ints, Masker: masker})
	eng, err := orchestration.New(orchestration.Config{Docs: st, Queue: st.Queue(), Runs: st.Runs(), Webhooks: hooks,
		Lease: 2 * time.Second, Poll: 50 * time.Millisecond, MinBackoff: 50 * time.Millisecond,
		Logger: hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: os.Stderr})})
	if err != nil {
		return err
	}
	tm := orchestration.Template{ID: "add", Name: "Add users", Steps: []orchestration.Step{{
		ID: "add", Kind: orchestration.KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUser,
		Inputs: map[string]string{"email": "%ad.mail%", "sendEmail": "false"},
		Verify: &orchestration.Verify{Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}},
	}}}
	if _, err := eng.SaveTemplate(ctx, tm); err != nil {
		return err
	}
	objs := make([]outbound.Object, n)
	for i := range objs {
		objs[i] = outbound.Object{ID: fmt.Sprintf("crash-%05d", i), DN: fmt.Sprintf("CN=Crash %d,OU=Staff,DC=corp,DC=example", i),
			Attributes: map[string][]string{"mail": {fmt.Sprintf("crash.%d@corp.example", i)}}}
	}
	if _, err := eng.StartRun(ctx, orchestration.RunRequest{RunID: runID, TemplateID: "add", Trigger: "test", Objects: objs}); err != nil {
		return err
	}
	fmt.Println("STARTED")
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	for {
		v, err := eng.Status(ctx, runID)
		if err != nil {
			return err
		}
		if !v.Finished.IsZero() {
			fmt.Printf("FINISHED %s failed=%d verified=%d\n", v.Status, v.Summary.Failed, verified(ctx, eng, runID))
			cancel()
			<-done
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func verified(ctx context.Context, eng *orchestration.Engine, runID string) int {
	es, _, err := eng.Entries(ctx, runID, storeFilter(orchestration.OutcomeVerified))
	if err != nil {
		return -1
	}
	return len(es)
}
