// Command crashhost is a host reduced to the orchestration engine, for the
// crash and fault tests: it starts (or resumes) one run over n users and
// executes it until it finishes, printing FINISHED and the status. The
// tests kill it with SIGKILL, kill its connector, stop it with SIGTERM and
// fill its disk, then start it again on the same store.
//
// With -template add each user is added; with -template onboarding the
// Clockify onboarding template the extension ships runs, installed as an
// admin's install does, each user in one of -departments departments.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/outbound/outboundtest"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/marketplace/templates"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	clockifytemplates "github.com/idbridge/idbridge/plugins/clockify/templates"
)

type options struct {
	db, plugin, baseURL, runID, rate, template, worker string
	n, departments                                     int
	lease                                              time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "", "store file")
	flag.StringVar(&o.plugin, "plugin", "", "connector binary")
	flag.StringVar(&o.baseURL, "base-url", "", "sandbox base URL")
	flag.IntVar(&o.n, "n", 1000, "objects")
	flag.StringVar(&o.runID, "run", "crash-run", "run id")
	flag.StringVar(&o.rate, "rate", "300", "integration rate limit")
	flag.StringVar(&o.template, "template", "add", "add or onboarding")
	flag.IntVar(&o.departments, "departments", 8, "departments of the onboarding users")
	flag.StringVar(&o.worker, "worker", "", "worker name; the same name on every start takes back the last process's leases")
	flag.DurationVar(&o.lease, "lease", 2*time.Second, "lease of a claim")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "crashhost:", err)
		os.Exit(1)
	}
}

const integ = "clockify-main"

func run(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st, err := sqlite.Open(context.WithoutCancel(ctx), o.db, sqlite.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	ints := outboundtest.NewIntegrations(pluginhost.Config{Logger: hclog.NewNullLogger()})
	defer ints.Close(context.Background())
	if _, err := ints.AddPlugin(integ, o.plugin, map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
		clockify.SettingBaseURL:     o.baseURL,
		clockify.SettingAPIKey:      sandbox.DefaultAdminKey,
		clockify.SettingRateLimit:   o.rate,
	}, clockify.SettingAPIKey); err != nil {
		return err
	}
	masker := secrets.NewMasker()
	masker.Add(sandbox.DefaultAdminKey)
	hooks := outbound.New(outbound.Config{Docs: st, Integrations: ints, Masker: masker, Schema: anyAttribute{}})
	eng, err := orchestration.New(orchestration.Config{Docs: st, Queue: st.Queue(), Runs: st.Runs(), Webhooks: hooks,
		Worker: o.worker, Lease: o.lease, Poll: 50 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second,
		Logger: hclog.New(&hclog.LoggerOptions{Level: hclog.Info, Output: os.Stderr})})
	if err != nil {
		return err
	}
	templateID, err := install(ctx, hooks, eng, o.template)
	if err != nil {
		return err
	}
	objs := make([]outbound.Object, o.n)
	for i := range objs {
		objs[i] = outbound.Object{ID: fmt.Sprintf("crash-%05d", i), DN: fmt.Sprintf("CN=Crash %d,OU=Staff,DC=corp,DC=example", i),
			Attributes: map[string][]string{"mail": {fmt.Sprintf("crash.%d@corp.example", i)}, "department": {fmt.Sprintf("Dept %d", i%o.departments)}}}
	}
	if _, err := eng.StartRun(ctx, orchestration.RunRequest{RunID: o.runID, TemplateID: templateID, Trigger: "test", Objects: objs}); err != nil {
		return err
	}
	fmt.Println("STARTED")
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	done := make(chan error, 1)
	go func() { done <- eng.Run(runCtx) }()
	var unready error
	for {
		select {
		case <-ctx.Done():
			// SIGTERM: the engine drains its calls in flight and returns.
			stopping := time.Now()
			<-done
			fmt.Printf("DRAINED in %s\n", time.Since(stopping).Round(time.Millisecond))
			c, err := st.Queue().Counts(context.Background(), "")
			if err != nil {
				return err
			}
			fmt.Printf("STOPPED sending=%d claimed=%d\n", c[store.ActionSending], c[store.ActionClaimed])
			return nil
		case <-time.After(100 * time.Millisecond):
		}
		if err := eng.Ready(ctx); (err == nil) != (unready == nil) {
			if err != nil {
				fmt.Printf("UNREADY %v\n", err)
			} else {
				fmt.Println("READY")
			}
			unready = err
		}
		v, err := eng.Status(ctx, o.runID)
		if err != nil {
			continue // the store may refuse reads for a moment on a full disk
		}
		if !v.Finished.IsZero() {
			// in-doubt counts the calls stopped for an admin because nothing
			// settled them: with verification declared there must be none.
			fmt.Printf("FINISHED %s failed=%d verified=%d in-doubt=%d\n", v.Status, v.Summary.Failed,
				count(ctx, eng, o.runID, orchestration.OutcomeVerified), count(ctx, eng, o.runID, orchestration.OutcomeInDoubt))
			cancelRun()
			<-done
			return nil
		}
	}
}

// install saves the template the run uses and returns its id.
func install(ctx context.Context, hooks *outbound.Service, eng *orchestration.Engine, which string) (string, error) {
	if which == "onboarding" {
		t, err := clockifytemplates.Get("clockify-onboarding")
		if err != nil {
			return "", err
		}
		if _, err := automation.InstallTemplates(ctx, hooks, eng, integ, []templates.Template{t}); err != nil {
			return "", err
		}
		return t.ID, nil
	}
	tm := orchestration.Template{ID: "add", Name: "Add users", Steps: []orchestration.Step{{
		ID: "add", Kind: orchestration.KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUser,
		Inputs: map[string]string{"email": "%ad.mail%", "sendEmail": "false"},
		Verify: &orchestration.Verify{Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}},
	}}}
	_, err := eng.SaveTemplate(ctx, tm)
	return tm.ID, err
}

// anyAttribute accepts every attribute name in save-time checks; the
// objects carry their attributes.
type anyAttribute struct{}

func (anyAttribute) AttributeExists(context.Context, string) (bool, error) { return true, nil }

func count(ctx context.Context, eng *orchestration.Engine, runID, outcome string) int {
	es, _, err := eng.Entries(ctx, runID, storeFilter(outcome))
	if err != nil {
		return -1
	}
	return len(es)
}
