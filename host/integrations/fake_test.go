package integrations

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// testKey is the API key the fake app accepts.
const testKey = "ck-test-7f3a9c1e5b2d4f60a8e1"

// fakeConnector is an in-process connector shaped like Clockify's: a
// workspace id with a pattern, a base URL with a default, a secret API key.
type fakeConnector struct {
	mu       sync.Mutex
	settings []map[string]string // settings received by Test and Invoke
}

func (f *fakeConnector) Describe(context.Context, *connectorv1.DescribeRequest, ...grpc.CallOption) (*connectorv1.DescribeResponse, error) {
	return &connectorv1.DescribeResponse{
		Info:            &connectorv1.ConnectorInfo{Id: "fake", Name: "Fake", Version: "1.2.3"},
		ProtocolVersion: 1,
		Settings: []*connectorv1.SettingSpec{
			{Key: "workspaceId", Type: connectorv1.SettingType_SETTING_TYPE_STRING, Required: true, Pattern: "[0-9a-f]{6}"},
			{Key: "baseUrl", Type: connectorv1.SettingType_SETTING_TYPE_URL, DefaultValue: "https://app.example/api"},
			{Key: "rate", Type: connectorv1.SettingType_SETTING_TYPE_INT},
			{Key: "mode", Type: connectorv1.SettingType_SETTING_TYPE_ENUM, EnumValues: []string{"a", "b"}},
			{Key: "apiKey", Type: connectorv1.SettingType_SETTING_TYPE_STRING, Required: true, Secret: true},
			{Key: "roleTable", Type: connectorv1.SettingType_SETTING_TYPE_STRING, DefaultValue: "Admins -> WORKSPACE_ADMIN",
				Rows: &connectorv1.SettingRows{Name: "Role table", KeyNoun: "AD group", ValueNoun: "role the app gives",
					Values: []string{"WORKSPACE_ADMIN", "TEAM_MANAGER", "PROJECT_MANAGER"}}},
		},
	}, nil
}

func (f *fakeConnector) record(s map[string]string) {
	f.mu.Lock()
	f.settings = append(f.settings, s)
	f.mu.Unlock()
}

func (f *fakeConnector) last() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.settings) == 0 {
		return nil
	}
	return f.settings[len(f.settings)-1]
}

func (f *fakeConnector) Test(_ context.Context, in *connectorv1.TestRequest, _ ...grpc.CallOption) (*connectorv1.TestResponse, error) {
	f.record(in.GetSettings())
	if in.GetSettings()["apiKey"] != testKey {
		return &connectorv1.TestResponse{Checks: []*connectorv1.Check{{Id: "credentials", Name: "Credentials",
			Status: connectorv1.CheckStatus_CHECK_STATUS_FAILED, Message: "the app refused the API key", Remedy: "create a new key"}}}, nil
	}
	return &connectorv1.TestResponse{Ok: true, Account: "admin@example.com", Checks: []*connectorv1.Check{{Id: "credentials",
		Name: "Credentials", Status: connectorv1.CheckStatus_CHECK_STATUS_OK}}}, nil
}

func (f *fakeConnector) Fetch(context.Context, *connectorv1.FetchRequest, ...grpc.CallOption) (grpc.ServerStreamingClient[connectorv1.FetchResponse], error) {
	return nil, errors.New("not used")
}

func (f *fakeConnector) Invoke(_ context.Context, in *connectorv1.InvokeRequest, _ ...grpc.CallOption) (*connectorv1.InvokeResponse, error) {
	f.record(in.GetSettings())
	return &connectorv1.InvokeResponse{}, nil
}

// fakeRunner runs fakeConnectors and remembers what runs.
type fakeRunner struct {
	mu      sync.Mutex
	conn    *fakeConnector
	running map[string]Binary
	starts  int
	failing error
}

func (r *fakeRunner) Start(_ context.Context, id string, bin Binary) (connectorv1.ConnectorClient, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing != nil {
		return nil, r.failing
	}
	r.running[id] = bin
	r.starts++
	return r.conn, nil
}

func (r *fakeRunner) Stop(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, id)
	return nil
}

func (r *fakeRunner) isRunning(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.running[id]
	return ok
}

type fakeBinaries struct{}

func (fakeBinaries) BinaryPath(_ context.Context, extID string) (string, string, error) {
	if extID != "fake" {
		return "", "", fmt.Errorf("%q: %w", extID, extensions.ErrNotInstalled)
	}
	return "/opt/fake/connector", "abc123", nil
}

type recordingObserver struct {
	mu       sync.Mutex
	disabled []string
	enabled  []string
	err      error
}

func (o *recordingObserver) OnEnabled(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.enabled = append(o.enabled, id)
	return o.err
}

func (o *recordingObserver) OnDisabled(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.disabled = append(o.disabled, id)
	return o.err
}

type fixture struct {
	svc    *Service
	docs   *store.MemoryDocs
	runner *fakeRunner
	conn   *fakeConnector
	masker *secrets.Masker
	box    *secrets.Box
	obs    *recordingObserver
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key := make([]byte, secrets.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{docs: store.NewMemoryDocs(), conn: &fakeConnector{}, masker: secrets.NewMasker(), box: box,
		obs: &recordingObserver{}}
	f.runner = &fakeRunner{conn: f.conn, running: map[string]Binary{}}
	f.svc, err = New(Config{Docs: f.docs, Box: box, Runner: f.runner, Binaries: fakeBinaries{}, Masker: f.masker,
		Now: func() time.Time { return time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Observe(f.obs)
	return f
}

// create makes a ready-to-enable integration "main".
func (f *fixture) create(t *testing.T, key string) *View {
	t.Helper()
	v, err := f.svc.Create(context.Background(), CreateRequest{ID: "main", ExtensionID: "fake", Name: "Main",
		Settings: map[string]string{"workspaceId": "abc123"}, Authorization: map[string]string{"apiKey": key}})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return v
}
