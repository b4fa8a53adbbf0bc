package integrations_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// clockifyBinary is the real Clockify connector, built once for the run.
var clockifyBinary string

func TestMain(m *testing.M) {
	connectortest.Main(m, "../../plugins/clockify/cmd/idbridge-clockify", &clockifyBinary)
}

// knownKey is the API key the test hunts for.
const knownKey = "ck-leaktest-Q2xvY2tpZnlLZXlUaGF0TXVzdE5ldmVyTGVhaw"

// host is the part of the host this test needs, wired as the application
// wires it, on a data folder of its own.
type host struct {
	dataDir string
	logFile *os.File
	log     hclog.Logger
	store   *sqlite.Store
	sup     *pluginhost.Supervisor
	svc     *integrations.Service
	api     *httptest.Server
	token   string
}

func startHost(t *testing.T) *host {
	t.Helper()
	ctx := context.Background()
	h := &host{dataDir: t.TempDir()}
	masker := secrets.NewMasker()
	var err error
	h.logFile, err = os.Create(filepath.Join(h.dataDir, "host.log"))
	if err != nil {
		t.Fatal(err)
	}
	h.log = secrets.NewLogger(&hclog.LoggerOptions{Name: "idbridge", Output: h.logFile, Level: hclog.Trace, JSONFormat: true}, masker)
	box, _, err := secrets.OpenBox(h.dataDir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	h.store, err = sqlite.Open(ctx, filepath.Join(h.dataDir, sqlite.FileName), sqlite.Options{Logger: h.log})
	if err != nil {
		t.Fatal(err)
	}
	h.sup = pluginhost.NewSupervisor(pluginhost.Config{Logger: h.log})
	sum, err := pluginhost.FileSHA256(clockifyBinary)
	if err != nil {
		t.Fatal(err)
	}
	binaries := integrations.BinariesFunc(func(_ context.Context, extID string) (string, string, error) {
		if extID != "clockify" {
			return "", "", fmt.Errorf("extension %s is not installed: %w", extID, store.ErrNotFound)
		}
		return clockifyBinary, sum, nil
	})
	h.svc, err = integrations.New(integrations.Config{Docs: h.store, Box: box, Masker: masker, Logger: h.log,
		Runner: integrations.SupervisorRunner{Supervisor: h.sup}, Binaries: binaries})
	if err != nil {
		t.Fatal(err)
	}
	tokens := api.NewTokens(h.store)
	h.token, _, err = tokens.Create(ctx, "admin", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens, Logger: h.log, Auditor: auditTo(h.store.Audit())})
	if err := srv.Mount(h.svc); err != nil {
		t.Fatal(err)
	}
	h.api = httptest.NewServer(srv)
	t.Cleanup(h.close)
	return h
}

// auditTo persists API audit entries in the store's audit log.
func auditTo(a store.Audit) api.Auditor {
	return api.AuditorFunc(func(ctx context.Context, e api.AuditEntry) error {
		before, _ := json.Marshal(e.Before)
		after, _ := json.Marshal(e.After)
		_, err := a.Append(ctx, store.AuditEntry{At: e.Time, Actor: e.Actor, Action: e.Method + " " + e.Route,
			Target: e.Path, Before: before, After: after, Outcome: fmt.Sprint(e.Status)})
		return err
	})
}

func (h *host) close() {
	if h.api != nil {
		h.api.Close()
		h.api = nil
	}
	if h.sup != nil {
		h.sup.Shutdown(context.Background())
		h.sup = nil
	}
	if h.store != nil {
		h.store.Close()
		h.store = nil
	}
	if h.logFile != nil {
		h.logFile.Close()
		h.logFile = nil
	}
}

// call makes an API call and returns the status and body.
func (h *host) call(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	return apptest.Send(t, h.api.URL, method, path, h.token, string(raw))
}

// forms are the shapes the key could take in a file.
func forms(key string) []string {
	return []string{key, url.QueryEscape(key), base64.StdEncoding.EncodeToString([]byte(key)),
		base64.RawURLEncoding.EncodeToString([]byte(key))}
}

// grepDir fails the test for every file under dir that holds key in any form.
func grepDir(t *testing.T, dir, key string) int {
	t.Helper()
	files := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("read %s: %v", path, err)
			return nil
		}
		files++
		for _, f := range forms(key) {
			if bytes.Contains(raw, []byte(f)) {
				t.Errorf("%s holds the API key (as %q)", filepath.Base(path), f)
			}
		}
		return nil
	})
	return files
}

// TestKnownKeyAppearsNowhere is the secrets acceptance test: an
// integration with a known API key is created, enabled and used through
// the real Clockify connector under the real supervisor against the
// sandbox; its exchanges go into a run record and its changes into the
// audit log; careless log calls are made on purpose. Then the log, the
// store files, the run records, the audit log and the API answers are
// searched for the key.
func TestKnownKeyAppearsNowhere(t *testing.T) {
	ctx := context.Background()
	seed := sandbox.DefaultSeed()
	seed.APIKeys = append(seed.APIKeys, sandbox.APIKey{ID: "leak-test", Key: knownKey, UserID: sandbox.DefaultAdminUserID})
	sbx, err := sandbox.Start(ctx, sandbox.Options{Seed: seed, Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sbx.Close()
	h := startHost(t)

	status, body := h.call(t, "POST", "/v1/integrations", integrations.CreateRequest{ID: "clockify-main",
		ExtensionID: "clockify", Name: "Clockify",
		Settings:      map[string]string{"workspaceId": sandbox.DefaultWorkspaceID, "baseUrl": sbx.BaseURL()},
		Authorization: map[string]string{"apiKey": knownKey}})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	answers := [][]byte{body}
	status, body = h.call(t, "POST", "/v1/integrations/clockify-main/enable", nil)
	if status != http.StatusOK {
		t.Fatalf("enable: %d %s", status, body)
	}
	answers = append(answers, body)
	var v integrations.View
	json.Unmarshal(body, &v)
	if !v.Enabled || !v.Authorization["apiKey"].Set || v.Authorization["apiKey"].Value != secrets.Mask {
		t.Fatalf("enabled view = %s", body)
	}
	for _, path := range []string{"/v1/integrations", "/v1/integrations/clockify-main", "/v1/integrations/clockify-main/schema"} {
		_, body := h.call(t, "GET", path, nil)
		answers = append(answers, body)
	}
	_, body = h.call(t, "POST", "/v1/integrations/clockify-main/test", nil)
	answers = append(answers, body)
	// A second PATCH sets the same key again, as an admin re-pasting it would.
	_, body = h.call(t, "PATCH", "/v1/integrations/clockify-main/authorization", map[string]string{"apiKey": knownKey})
	answers = append(answers, body)

	// Use the connector as a sync run would and record what it reports.
	conn, err := h.svc.Connector(ctx, "clockify-main")
	if err != nil {
		t.Fatal(err)
	}
	stream, err := conn.Fetch(ctx, &connectorv1.FetchRequest{Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"},
		MaxPages: 1, IncludeExchange: true})
	if err != nil {
		t.Fatal(err)
	}
	runs := h.store.Runs()
	if err := runs.Create(ctx, store.Run{ID: "run-1", Automation: "users", Kind: "sync", Trigger: "apply-now"}); err != nil {
		t.Fatal(err)
	}
	records := 0
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		records += len(msg.GetRecords())
		if ex := msg.GetExchange(); ex != nil {
			req, _ := protojson.Marshal(ex.GetRequest())
			resp, _ := protojson.Marshal(ex.GetResponse())
			if err := runs.Append(ctx, store.RunEntry{RunID: "run-1", ObjectID: "page-1", Object: "list-users",
				Step: "fetch", Outcome: "ok", Request: req, Response: resp}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if records == 0 {
		t.Fatal("the sandbox returned no users; the fetch did not really run")
	}
	// Careless logging, as a future bug might do it.
	settings, err := h.svc.Settings(ctx, "clockify-main")
	if err != nil || settings["apiKey"] != knownKey {
		t.Fatalf("Settings: %v", err)
	}
	h.log.Info("connector settings", "settings", settings, "key", settings["apiKey"])
	h.log.Named("careless").Error("request failed: X-Api-Key: " + settings["apiKey"])
	h.log.StandardLogger(nil).Printf("[WARN] url=%s?key=%s", sbx.BaseURL(), url.QueryEscape(knownKey))

	// Run records and the audit log, as read back through the store.
	entries, _, err := runs.Entries(ctx, "run-1", store.EntryFilter{})
	if err != nil || len(entries) == 0 {
		t.Fatalf("run entries: %d, %v", len(entries), err)
	}
	audit, _, err := h.store.Audit().List(ctx, store.AuditFilter{Target: "/v1/integrations"})
	if err != nil || len(audit) < 3 {
		t.Fatalf("audit entries: %d, %v", len(audit), err)
	}
	var recorded []string
	for _, e := range entries {
		recorded = append(recorded, string(e.Request), string(e.Response), e.Error)
	}
	for _, e := range audit {
		recorded = append(recorded, string(e.Before), string(e.After))
	}
	for _, a := range answers {
		recorded = append(recorded, string(a))
	}
	joined := strings.Join(recorded, "\n")
	if !strings.Contains(joined, "X-Api-Key") {
		t.Fatal("the run record has no request headers; the test would prove nothing")
	}
	for _, f := range forms(knownKey) {
		if strings.Contains(joined, f) {
			t.Errorf("a run record, audit entry or API answer holds the API key (as %q)", f)
		}
	}

	// The files, while the host runs (WAL included) and after it stops.
	if n := grepDir(t, h.dataDir, knownKey); n < 3 {
		t.Fatalf("only %d files in the data folder; expected the store, its log and the host log", n)
	}
	h.close()
	logText, _ := os.ReadFile(filepath.Join(h.dataDir, "host.log"))
	if !bytes.Contains(logText, []byte("connector settings")) || !bytes.Contains(logText, []byte(secrets.Mask)) {
		t.Fatalf("the host log lacks the deliberate lines; the test would prove nothing:\n%s", logText)
	}
	grepDir(t, h.dataDir, knownKey)
}

// TestRealSupervisorLifecycle enables, disables and re-enables an
// integration through the real plugin supervisor and checks the process.
func TestRealSupervisorLifecycle(t *testing.T) {
	ctx := context.Background()
	sbx, err := sandbox.Start(ctx, sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sbx.Close()
	h := startHost(t)
	_, err = h.svc.Create(ctx, integrations.CreateRequest{ID: "c", ExtensionID: "clockify",
		Settings:      map[string]string{"workspaceId": sandbox.DefaultWorkspaceID, "baseUrl": sbx.BaseURL()},
		Authorization: map[string]string{"apiKey": "sbx-not-a-valid-key-at-all"}})
	if err != nil {
		t.Fatal(err)
	}
	var tf *integrations.TestFailedError
	if _, err := h.svc.Enable(ctx, "c"); err == nil || !asTestFailed(err, &tf) {
		t.Fatalf("enable with a key the app refuses: %v", err)
	}
	if _, ok := h.sup.Get("c"); ok {
		t.Fatal("the supervisor still runs the plugin after a refused enable")
	}
	if _, err := h.svc.SetAuthorization(ctx, "c", map[string]string{"apiKey": sandbox.DefaultAdminKey}); err != nil {
		t.Fatal(err)
	}
	v, err := h.svc.Enable(ctx, "c")
	if err != nil || !v.Enabled || v.Connector == nil || v.Connector.ID != "clockify" {
		t.Fatalf("enable: %+v, %v", v, err)
	}
	hd, ok := h.sup.Get("c")
	if !ok || hd.State() != pluginhost.StateRunning {
		t.Fatal("the plugin does not run after enable")
	}
	if _, err := h.svc.Disable(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.sup.Get("c"); ok {
		t.Fatal("the plugin is still supervised after disable")
	}
	deadline := time.Now().Add(5 * time.Second)
	for hd.State() != pluginhost.StateRemoved && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if hd.State() != pluginhost.StateRemoved {
		t.Fatalf("the plugin's handle is %s after disable", hd.State())
	}
}

func asTestFailed(err error, target **integrations.TestFailedError) bool {
	e, ok := err.(*integrations.TestFailedError)
	if ok {
		*target = e
	}
	return ok
}
