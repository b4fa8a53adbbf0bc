package orchestration

import (
	"context"
	"fmt"
	"maps"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/outbound/outboundtest"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// clockifyBin is the real connector, built once for the package.
var clockifyBin string

func TestMain(m *testing.M) {
	if os.Getenv(sandboxChildEnv) != "" {
		serveSandboxChild() // this process is a benchmark's sandbox
		return
	}
	connectortest.Main(m, "../../plugins/clockify/cmd/idbridge-clockify", &clockifyBin)
}

// testSchema stands in for the directory schema in save-time checks.
type testSchema map[string]bool

func (s testSchema) AttributeExists(_ context.Context, name string) (bool, error) {
	return s[strings.ToLower(name)], nil
}

var schema = testSchema{"mail": true, "department": true, "title": true, "employeeid": true, "cn": true, "memberof": true, "employeenumber": true, "description": true}

// env is the sandbox, the real connector under the plugin supervisor, the
// webhook service and an engine over one store.
type env struct {
	sb     *sandbox.Server
	ints   *outboundtest.Integrations
	hooks  *outbound.Service
	st     store.Backend
	eng    *Engine
	masker *secrets.Masker
}

type envOptions struct {
	sandboxRate float64 // 0 means no limit
	rateLimit   string  // the integration's rateLimit setting; "" means 1000
	store       store.Backend
	config      func(*Config)
	seed        *sandbox.Seed
	baseURL     string // an out-of-process sandbox; e.sb is nil then
	// more are further Clockify integrations, by id, each on the sandbox
	// at its base URL and with the same rate limit.
	more map[string]string
	// settings are more settings of every integration.
	settings map[string]string
}

const integ = "clockify-main"

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	rate := o.sandboxRate
	if rate == 0 {
		rate = -1
	}
	var sb *sandbox.Server
	baseURL := o.baseURL
	if baseURL == "" {
		var err error
		sb, err = sandbox.Start(ctx, sandbox.Options{Rate: rate, Seed: o.seed})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sb.Close() })
		baseURL = sb.BaseURL()
	}
	ints := outboundtest.NewIntegrations(pluginhost.Config{Logger: hclog.NewNullLogger()})
	t.Cleanup(func() { ints.Close(context.Background()) })
	if o.rateLimit == "" {
		o.rateLimit = "1000"
	}
	masker := secrets.NewMasker()
	masker.Add(sandbox.DefaultAdminKey)
	urls := map[string]string{integ: baseURL}
	maps.Copy(urls, o.more)
	for id, url := range urls {
		settings := map[string]string{
			clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
			clockify.SettingBaseURL:     url,
			clockify.SettingAPIKey:      sandbox.DefaultAdminKey,
			clockify.SettingRateLimit:   o.rateLimit,
		}
		maps.Copy(settings, o.settings)
		if _, err := ints.AddPlugin(id, clockifyBin, settings, clockify.SettingAPIKey); err != nil {
			t.Fatal(err)
		}
	}
	st := o.store
	if st == nil {
		st = store.NewMemory(nil)
	}
	hooks := outbound.New(outbound.Config{Docs: st, Integrations: ints, Schema: schema, Masker: masker})
	cfg := Config{Docs: st, Queue: st.Queue(), Runs: st.Runs(), Webhooks: hooks,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 500 * time.Millisecond, Poll: 50 * time.Millisecond}
	if o.config != nil {
		o.config(&cfg)
	}
	eng, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, ints: ints, hooks: hooks, st: st, eng: eng, masker: masker}
}

// start runs the engine until the test ends.
func (e *env) start(t testing.TB) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = e.eng.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
}

// wait polls a run until it finished.
func (e *env) wait(t testing.TB, runID string, timeout time.Duration) *RunView {
	t.Helper()
	finished := e.waitRecord(t, runID, timeout)
	v, err := e.eng.Status(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if !finished {
		t.Fatalf("run %s did not finish in %s: %+v", runID, timeout, v.Summary)
	}
	return v
}

// waitRecord waits until the run's record says it finished, or timeout
// passed, reading only the record (cheap; Status walks every action). It
// reports whether the run finished.
func (e *env) waitRecord(t testing.TB, runID string, timeout time.Duration) bool {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r, err := e.st.Runs().Get(context.Background(), runID)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Finished.IsZero() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *env) entries(t testing.TB, runID, objectID string) []store.RunEntry {
	t.Helper()
	var all []store.RunEntry
	page := store.Page{Limit: store.MaxPageSize}
	for {
		es, next, err := e.eng.Entries(context.Background(), runID, store.EntryFilter{ObjectID: objectID, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, es...)
		if next == "" {
			return all
		}
		page.After = next
	}
}

func (e *env) userByEmail(email string) *sandbox.User {
	for _, u := range e.sb.Users(sandbox.DefaultWorkspaceID) {
		if strings.EqualFold(u.Email, email) {
			return &u
		}
	}
	return nil
}

// people makes n AD users with distinct e-mail addresses.
func people(prefix string, n int) []outbound.Object {
	out := make([]outbound.Object, n)
	for i := range out {
		out[i] = outbound.Object{
			ID: fmt.Sprintf("%s-%05d", prefix, i), DN: fmt.Sprintf("CN=%s %d,OU=Staff,DC=corp,DC=example", prefix, i), Kind: outbound.KindUser,
			Attributes: map[string][]string{"mail": {fmt.Sprintf("%s.%d@corp.example", prefix, i)}, "department": {"Support"}},
		}
	}
	return out
}

const supportGroup = "6650a1b2c3d4e5f6a7b8cb03"

// onboarding adds the user (verified by e-mail after a crash), finds their
// id and adds them to the Support group.
func onboarding(id string) Template {
	return Template{ID: id, Name: "Onboarding", Steps: []Step{
		{ID: "add", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUser,
			Inputs: map[string]string{"email": "%ad.mail%", "sendEmail": "false"},
			Verify: &Verify{Webhook: clockify.WebhookFindUserByEmail, Inputs: map[string]string{"email": "%ad.mail%"}, Exists: `has(lookup.userId)`}},
		{ID: "find", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookFindUserByEmail,
			Inputs: map[string]string{"email": "%ad.mail%"}},
		{ID: "group", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookAddUserToGroup,
			Inputs: map[string]string{"groupId": supportGroup, "userId": "%steps.find.userId%"}},
	}}
}

// addOnly is a one-step template: add the user, verified after a crash.
func addOnly(id string) Template {
	t := onboarding(id)
	t.Steps = t.Steps[:1]
	return t
}

func mustSave(t testing.TB, e *env, tm Template) {
	t.Helper()
	if _, err := e.eng.SaveTemplate(context.Background(), tm); err != nil {
		t.Fatal(err)
	}
}

// postsOf counts the sandbox's add-user requests by status.
func postsOf(sb *sandbox.Server) map[int]int {
	out := map[int]int{}
	for _, r := range sb.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/workspaces/"+sandbox.DefaultWorkspaceID+"/users") {
			out[r.Status]++
		}
	}
	return out
}
