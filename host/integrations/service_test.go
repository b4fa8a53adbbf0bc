package integrations

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

func TestCreateValidatesAgainstTheSchema(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Create(context.Background(), CreateRequest{ExtensionID: "fake", Name: "x",
		Settings: map[string]string{"workspaceId": "nothex", "rate": "fast", "mode": "c", "baseUrl": "ftp://x",
			"apiKey": "in the wrong place", "nope": "1"},
		Authorization: map[string]string{"workspaceId": "abc123"}})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Create with bad settings: %v, want a ValidationError", err)
	}
	want := map[string]string{"workspaceId": "expected format", "rate": "whole number", "mode": "one of a, b",
		"baseUrl": "http or https URL", "apiKey": "secret", "nope": "no such setting"}
	for key, text := range want {
		found := false
		for _, p := range ve.Problems {
			if p.Key == key && strings.Contains(p.Message, text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem about %s mentioning %q in %v", key, text, ve.Problems)
		}
	}
	if !strings.Contains(err.Error(), "not secret") {
		t.Errorf("a plain setting given as authorization is not reported: %v", err)
	}
	if strings.Contains(err.Error(), "in the wrong place") {
		t.Error("the error quotes a value given for a secret setting")
	}
	if _, err := f.svc.Get(context.Background(), "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("an invalid integration was stored")
	}
}

func TestCreateRefusesBadIDsAndDuplicates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	if _, err := f.svc.Create(ctx, CreateRequest{ID: "main", ExtensionID: "fake"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate id: %v, want ErrConflict", err)
	}
	var ve *ValidationError
	if _, err := f.svc.Create(ctx, CreateRequest{ID: "Bad/ID", ExtensionID: "fake"}); !errors.As(err, &ve) {
		t.Fatalf("bad id: %v", err)
	}
	if _, err := f.svc.Create(ctx, CreateRequest{Name: "x"}); !errors.As(err, &ve) {
		t.Fatalf("missing extension: %v", err)
	}
	if _, err := f.svc.Create(ctx, CreateRequest{ExtensionID: "missing"}); !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("uninstalled extension: %v, want ErrUnknownSchema", err)
	}
	v, err := f.svc.Create(ctx, CreateRequest{ExtensionID: "fake", Name: "Clockify — Main Workspace"})
	if err != nil || v.ID != "clockify-main-workspace" {
		t.Fatalf("derived id = %q, %v", v.ID, err)
	}
	if f.runner.isRunning(v.ID) {
		t.Fatal("describing a new integration left its plugin running")
	}
}

func TestSecretsAreSealedAndNeverShown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.create(t, testKey)
	if st := v.Authorization["apiKey"]; !st.Set || st.Value != secrets.Mask {
		t.Fatalf("view authorization = %+v", v.Authorization)
	}
	raw, _ := json.Marshal(v)
	if strings.Contains(string(raw), testKey) {
		t.Fatal("the view contains the API key")
	}
	var stored map[string]any
	if err := f.docs.Get(ctx, Kind, "main", &stored); err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(stored)
	if strings.Contains(string(doc), testKey) {
		t.Fatal("the stored record contains the API key in clear")
	}
	if f.masker.String(testKey) != secrets.Mask {
		t.Fatal("the masker did not learn the API key")
	}
	values, err := f.svc.Settings(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	if values["apiKey"] != testKey || values["workspaceId"] != "abc123" || values["baseUrl"] != "https://app.example/api" {
		t.Fatalf("Settings = %v; want the key, the saved setting and the default", values)
	}
}

func TestSealedValueCannotBeMovedToAnotherIntegration(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	if _, err := f.svc.Create(ctx, CreateRequest{ID: "other", ExtensionID: "fake",
		Authorization: map[string]string{"apiKey": "other-key-value"}}); err != nil {
		t.Fatal(err)
	}
	var a, b Integration
	f.docs.Get(ctx, Kind, "main", &a)
	f.docs.Get(ctx, Kind, "other", &b)
	b.Authorization["apiKey"] = a.Authorization["apiKey"]
	f.docs.Put(ctx, Kind, "other", b)
	if _, err := f.svc.Settings(ctx, "other"); !errors.Is(err, secrets.ErrTampered) {
		t.Fatalf("a sealed key copied to another integration opened: %v", err)
	}
}

func TestUpdateSettingsAndAuthorization(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, "first-key-value")
	v, err := f.svc.UpdateSettings(ctx, "main", map[string]string{"rate": "10", "mode": "b"})
	if err != nil || v.Settings["rate"] != "10" || v.Settings["workspaceId"] != "abc123" {
		t.Fatalf("UpdateSettings = %+v, %v", v, err)
	}
	v, err = f.svc.UpdateSettings(ctx, "main", map[string]string{"mode": ""})
	if _, ok := v.Settings["mode"]; err != nil || ok {
		t.Fatalf("an empty value did not remove the setting: %+v, %v", v.Settings, err)
	}
	var ve *ValidationError
	if _, err := f.svc.UpdateSettings(ctx, "main", map[string]string{"apiKey": "x"}); !errors.As(err, &ve) {
		t.Fatalf("a secret through UpdateSettings: %v", err)
	}
	if _, err := f.svc.SetAuthorization(ctx, "main", map[string]string{"rate": "1"}); !errors.As(err, &ve) {
		t.Fatalf("a plain setting through SetAuthorization: %v", err)
	}
	if _, err := f.svc.SetAuthorization(ctx, "main", map[string]string{"apiKey": testKey}); err != nil {
		t.Fatal(err)
	}
	if values, _ := f.svc.Settings(ctx, "main"); values["apiKey"] != testKey {
		t.Fatal("the new API key is not used")
	}
	v, _ = f.svc.SetAuthorization(ctx, "main", map[string]string{"apiKey": ""})
	if v.Authorization["apiKey"].Set || len(v.Missing) != 1 || v.Missing[0] != "apiKey" {
		t.Fatalf("after removing the key: %+v, missing %v", v.Authorization, v.Missing)
	}
	if _, err := f.svc.UpdateSettings(ctx, "nope", nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update of a missing integration: %v", err)
	}
}

func TestEnableRunsDescribeAndTest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	v, err := f.svc.Enable(ctx, "main")
	if err != nil {
		t.Fatalf("Enable: %v", err)
	}
	if !v.Enabled || v.LastTest == nil || !v.LastTest.OK || v.LastTest.Account != "admin@example.com" {
		t.Fatalf("enabled view = %+v", v)
	}
	if v.Connector == nil || v.Connector.Version != "1.2.3" {
		t.Fatalf("the description was not cached: %+v", v.Connector)
	}
	if !f.runner.isRunning("main") || f.runner.running["main"].SHA256 != "abc123" {
		t.Fatal("the plugin is not running with the pinned binary")
	}
	if f.conn.last()["apiKey"] != testKey {
		t.Fatal("Test did not receive the decrypted API key")
	}
}

func TestEnableRefusesMissingSettings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Create(ctx, CreateRequest{ID: "main", ExtensionID: "fake"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Enable(ctx, "main")
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "workspaceId") || !strings.Contains(err.Error(), "apiKey: required; set it in the integration's authorization") {
		t.Fatalf("Enable without required settings: %v", err)
	}
	if v, _ := f.svc.Get(ctx, "main"); v.Enabled {
		t.Fatal("enabled without its required settings")
	}
	if f.runner.isRunning("main") {
		t.Fatal("the plugin was left running after a refused enable")
	}
}

func TestEnableRefusesAFailedTest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, "wrong-key-value")
	_, err := f.svc.Enable(ctx, "main")
	var tf *TestFailedError
	if !errors.As(err, &tf) || !strings.Contains(err.Error(), "the app refused the API key (create a new key)") {
		t.Fatalf("Enable with a bad key: %v", err)
	}
	v, _ := f.svc.Get(ctx, "main")
	if v.Enabled || v.LastTest == nil || v.LastTest.OK {
		t.Fatalf("after a failed test: %+v", v)
	}
	if f.runner.isRunning("main") {
		t.Fatal("the plugin was left running after a failed test")
	}
}

func TestEnableReportsAPluginThatDoesNotStart(t *testing.T) {
	f := newFixture(t)
	f.create(t, testKey)
	f.runner.failing = errors.New("checksum mismatch")
	if _, err := f.svc.Enable(context.Background(), "main"); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("Enable with a plugin that cannot start: %v", err)
	}
}

func TestDisableStopsAndPausesButKeepsConfiguration(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	if _, err := f.svc.Enable(ctx, "main"); err != nil {
		t.Fatal(err)
	}
	if len(f.obs.enabled) != 1 || f.obs.enabled[0] != "main" {
		t.Fatalf("observers heard enabled %v; want [main], so held work resumes at once", f.obs.enabled)
	}
	v, err := f.svc.Disable(ctx, "main")
	if err != nil || v.Enabled {
		t.Fatalf("Disable = %+v, %v", v, err)
	}
	if f.runner.isRunning("main") {
		t.Fatal("the plugin still runs after Disable")
	}
	if len(f.obs.disabled) != 1 || f.obs.disabled[0] != "main" {
		t.Fatalf("observers heard %v", f.obs.disabled)
	}
	if !v.Authorization["apiKey"].Set || v.Settings["workspaceId"] != "abc123" {
		t.Fatal("Disable lost the configuration")
	}
	if _, err := f.svc.Connector(ctx, "main"); !errors.Is(err, ErrDisabled) {
		t.Fatalf("Connector of a disabled integration: %v, want ErrDisabled", err)
	}
	f.obs.err = errors.New("automation store down")
	if _, err := f.svc.Disable(ctx, "main"); err == nil || !strings.Contains(err.Error(), "is disabled, but pausing") {
		t.Fatalf("an observer failure was not reported: %v", err)
	}
}

func TestTestWorksWhileDisabled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	r, err := f.svc.Test(ctx, "main")
	if err != nil || !r.OK {
		t.Fatalf("Test = %+v, %v", r, err)
	}
	if f.runner.isRunning("main") {
		t.Fatal("testing a disabled integration left its plugin running")
	}
	if v, _ := f.svc.Get(ctx, "main"); v.LastTest == nil || !v.LastTest.OK || v.Enabled {
		t.Fatalf("test result not recorded, or the test enabled it: %+v", v)
	}
}

func TestConnectorFillsSettingsOnACopy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	if _, err := f.svc.Enable(ctx, "main"); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.Connector(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	req := &connectorv1.InvokeRequest{WebhookId: "add-user"}
	if _, err := c.Invoke(ctx, req); err != nil {
		t.Fatal(err)
	}
	if f.conn.last()["apiKey"] != testKey {
		t.Fatal("Invoke did not receive the settings")
	}
	if req.Settings != nil {
		t.Fatal("the caller's request now holds the decrypted settings")
	}
	if tr, err := c.Test(ctx); err != nil || !tr.GetOk() {
		t.Fatalf("Connector.Test = %v, %v", tr, err)
	}
	if d, err := c.Describe(ctx); err != nil || d.GetInfo().GetId() != "fake" {
		t.Fatalf("Connector.Describe = %v, %v", d, err)
	}
}

func TestDeleteRefusesEnabled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	f.svc.Enable(ctx, "main")
	if err := f.svc.Delete(ctx, "main"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Delete of an enabled integration: %v, want ErrConflict", err)
	}
	f.svc.Disable(ctx, "main")
	if err := f.svc.Delete(ctx, "main"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Get(ctx, "main"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
}

func TestStartTeachesTheMaskerAndStartsEnabledPlugins(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	f.svc.Enable(ctx, "main")
	// A fresh host: new masker, nothing running.
	masker := secrets.NewMasker()
	runner := &fakeRunner{conn: f.conn, running: map[string]Binary{}}
	svc, err := New(Config{Docs: f.docs, Box: f.box, Runner: runner, Binaries: fakeBinaries{}, Masker: masker})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if masker.String("key="+testKey) != "key="+secrets.Mask {
		t.Fatal("Start did not register the stored secret with the masker")
	}
	if !runner.isRunning("main") {
		t.Fatal("Start did not start the enabled integration's plugin")
	}
}

func TestSchema(t *testing.T) {
	f := newFixture(t)
	f.create(t, testKey)
	sch, err := f.svc.Schema(context.Background(), "main")
	if err != nil || len(sch) != 6 || sch[0].Key != "apiKey" || !sch[0].Secret || sch[5].Key != "workspaceId" || sch[2].Type != "enum" {
		t.Fatalf("Schema = %+v, %v", sch, err)
	}
}

func TestUsageAndPurge(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	f.svc.Enable(ctx, "main")
	if _, err := f.svc.Create(ctx, CreateRequest{ID: "second", ExtensionID: "fake"}); err != nil {
		t.Fatal(err)
	}
	using, err := f.svc.IntegrationsUsing(ctx, "fake")
	if err != nil || len(using) != 2 || !using[0].Enabled || using[0].IntegrationID != "main" || using[1].Enabled {
		t.Fatalf("IntegrationsUsing = %+v, %v", using, err)
	}
	if none, _ := f.svc.IntegrationsUsing(ctx, "other"); len(none) != 0 {
		t.Fatalf("IntegrationsUsing(other) = %+v", none)
	}
	if err := f.svc.PurgeIntegrations(ctx, "fake"); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.svc.List(ctx); len(left) != 0 || f.runner.isRunning("main") {
		t.Fatalf("after purge: %d left, running %v", len(left), f.runner.isRunning("main"))
	}
}

func TestUnavailableConnectorIsNamed(t *testing.T) {
	f := newFixture(t)
	f.create(t, testKey)
	f.runner.failing = errors.New("binary changed since install")
	_, err := f.svc.Test(context.Background(), "main")
	if !errors.Is(err, ErrConnectorUnavailable) || !strings.Contains(err.Error(), "binary changed since install") {
		t.Fatalf("Test with a plugin that cannot start: %v", err)
	}
}

func TestStartWithAnotherMasterKeyKeepsGoing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, testKey)
	f.svc.Enable(ctx, "main")
	other, _ := secrets.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	runner := &fakeRunner{conn: f.conn, running: map[string]Binary{}}
	svc, _ := New(Config{Docs: f.docs, Box: other, Runner: runner, Binaries: fakeBinaries{}})
	if err := svc.Start(ctx); err != nil {
		t.Fatalf("Start must not fail the host over one unreadable integration: %v", err)
	}
	if runner.isRunning("main") {
		t.Fatal("an integration whose key cannot be opened was started")
	}
	if _, err := svc.Settings(ctx, "main"); !errors.Is(err, secrets.ErrWrongKey) {
		t.Fatalf("Settings with another master key: %v, want ErrWrongKey", err)
	}
}
