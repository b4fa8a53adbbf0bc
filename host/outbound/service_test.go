package outbound_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/demodir"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/outbound/outboundtest"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

var clockifyBin string

func TestMain(m *testing.M) {
	connectortest.Main(m, "../../plugins/clockify/cmd/idbridge-clockify", &clockifyBin)
}

const integ = "clockify"

type fixture struct {
	svc *outbound.Service
	sb  *sandbox.Server
	dir *directory.Client
}

// newFixture wires the service to the real connector, the sandbox and the
// demo directory, whose people share e-mail addresses with the sandbox's.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	dd, err := demodir.Start(ctx, demodir.Options{Seed: demodir.DemoSeed()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dd.Close() })
	dir, err := directory.Open(ctx, directory.Config{URL: dd.URL(), PlainText: true, BindDN: dd.BindDN(), Password: dd.Password()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dir.Close() })
	ints := outboundtest.NewIntegrations(pluginhost.Config{Logger: hclog.NewNullLogger()})
	t.Cleanup(func() { ints.Close(context.Background()) })
	if _, err := ints.AddPlugin(integ, clockifyBin, map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID, clockify.SettingBaseURL: sb.BaseURL(),
		clockify.SettingAPIKey: sandbox.DefaultAdminKey, clockify.SettingRateLimit: "100",
	}, clockify.SettingAPIKey); err != nil {
		t.Fatal(err)
	}
	m := secrets.NewMasker()
	m.Add(sandbox.DefaultAdminKey)
	svc := outbound.New(outbound.Config{Docs: store.NewMemoryDocs(), Integrations: ints, Schema: dir,
		Objects: outbound.DirectoryObjects{Client: dir}, Masker: m})
	return &fixture{svc: svc, sb: sb, dir: dir}
}

func (f *fixture) dn(t *testing.T, sam string) string {
	t.Helper()
	us, err := f.dir.FindUsers(context.Background(), "sAMAccountName", sam)
	if err != nil || len(us) != 1 {
		t.Fatalf("find %s: %v (%d found)", sam, err, len(us))
	}
	return us[0].DN
}

func TestListHasPreconfiguredAndCustomWebhooks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	list, err := f.svc.List(ctx, integ)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range list {
		if w.ID == clockify.WebhookAddUser && w.Preconfigured && w.Method == "POST" {
			found = true
		}
	}
	if !found {
		t.Fatalf("add-user is not among the preconfigured webhooks: %+v", list)
	}
	if _, err := f.svc.Save(ctx, outbound.Webhook{ID: clockify.WebhookAddUser, Integration: integ, Name: "x", Method: "GET", URL: "/x"}); !errors.Is(err, outbound.ErrPreconfigured) {
		t.Errorf("overwriting a preconfigured webhook: %v", err)
	}
	if err := f.svc.Delete(ctx, integ, clockify.WebhookAddUser); !errors.Is(err, outbound.ErrPreconfigured) {
		t.Errorf("deleting a preconfigured webhook: %v", err)
	}
	bad := outbound.Webhook{ID: "bad", Integration: integ, Name: "Bad", Method: "POST", URL: "/v1/workspaces/{WorkspaceID}/users",
		MessageType: outbound.MessageJSON, Body: `{"email":"%ad.mial%"}`}
	if _, err := f.svc.Save(ctx, bad); err == nil || !strings.Contains(err.Error(), "%ad.mial%") {
		t.Errorf("an unknown macro was saved: %v", err)
	}
	if _, err := f.svc.Get(ctx, integ, "bad"); !errors.Is(err, outbound.ErrNotFound) {
		t.Errorf("the refused webhook was stored: %v", err)
	}
}

func TestTestRunsForRealAndMasksSecrets(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ada := f.dn(t, "ada.owner")
	res, err := f.svc.Test(ctx, outbound.TestRequest{
		Webhook: outbound.Webhook{Integration: integ, ID: clockify.WebhookFindUserByEmail},
		Inputs:  map[string]string{"email": "%ad.mail%"}, Objects: []string{ada}, Save: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.Calls) != 1 {
		t.Fatalf("test failed: %+v", res)
	}
	call := res.Calls[0]
	if call.Object != ada || call.Request == nil || call.Response == nil || call.Response.Status != 200 {
		t.Fatalf("call = %+v", call)
	}
	if got := call.Outputs["userId"]; len(got) != 1 || got[0] != sandbox.DefaultAdminUserID {
		t.Errorf("userId output = %v", got)
	}
	if !strings.Contains(call.Request.URL, "ada.owner%40example.com") && !strings.Contains(call.Request.URL, "ada.owner@example.com") {
		t.Errorf("the request as sent does not show the rendered e-mail: %s", call.Request.URL)
	}
	for _, h := range call.Request.Headers {
		if strings.Contains(h.Value, sandbox.DefaultAdminKey) {
			t.Errorf("header %s shows the API key", h.Name)
		}
	}
	if res.Saved || !strings.Contains(res.NotSaved, "preconfigured") {
		t.Errorf("a preconfigured webhook cannot be saved: saved=%v %q", res.Saved, res.NotSaved)
	}
}

func TestTestAndSaveSavesOnlyWhenEveryCallSucceeded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	invite := outbound.Webhook{ID: "invite", Integration: integ, Name: "Invite", Method: "POST",
		URL: "/v1/workspaces/{WorkspaceID}/users", Query: []outbound.KV{{Name: "send-email", Value: "false"}},
		MessageType: outbound.MessageJSON, Body: `{"email":"%lower(ad.mail)%"}`}

	// ada.owner is already a member, so Clockify refuses: nothing saved.
	res, err := f.svc.Test(ctx, outbound.TestRequest{Webhook: invite, Objects: []string{f.dn(t, "nora.quinn"), f.dn(t, "ada.owner")}, Save: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.Saved || res.NotSaved == "" {
		t.Fatalf("saved although a call failed: %+v", res)
	}
	if c := res.Calls[1]; c.Error == "" || c.Response == nil || c.Response.Status != 400 {
		t.Errorf("the refused call does not show the app's answer: %+v", c)
	}
	if _, err := f.svc.Get(ctx, integ, "invite"); !errors.Is(err, outbound.ErrNotFound) {
		t.Fatalf("stored after a failed test: %v", err)
	}

	res, err = f.svc.Test(ctx, outbound.TestRequest{Webhook: invite, Objects: []string{f.dn(t, "omar.haddad")}, Save: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || !res.Saved {
		t.Fatalf("not saved after a passing test: %+v", res)
	}
	if got, err := f.svc.Get(ctx, integ, "invite"); err != nil || got.Preconfigured || got.Updated.IsZero() {
		t.Errorf("saved webhook = %+v, %v", got, err)
	}
	if _, err := f.svc.Test(ctx, outbound.TestRequest{Webhook: invite}); !errors.Is(err, outbound.ErrNoObjects) {
		t.Errorf("a test without objects: %v", err)
	}
	missing, err := f.svc.Test(ctx, outbound.TestRequest{Webhook: invite, Objects: []string{"CN=Nobody,OU=Staff," + f.dir.BaseDN()}})
	if err != nil || missing.OK || missing.Calls[0].Error == "" {
		t.Errorf("an unknown object: %+v, %v", missing, err)
	}
}
