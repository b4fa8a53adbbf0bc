package clockify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// pluginPath is the connector binary built once for the package's tests.
var pluginPath string

func TestMain(m *testing.M) { connectortest.Main(m, "./cmd/idbridge-clockify", &pluginPath) }

// startSandbox serves a fresh default workspace with every request and
// response checked against Clockify's official OpenAPI document, and fails
// the test if the connector sent anything the spec does not allow.
func startSandbox(t *testing.T, seed *sandbox.Seed) *sandbox.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: seed, ValidateSpec: true})
	if err != nil {
		cancel()
		t.Fatalf("starting the sandbox: %v", err)
	}
	t.Cleanup(func() {
		if v := sb.SpecViolations(); len(v) > 0 {
			t.Errorf("%d request(s) or response(s) broke Clockify's OpenAPI spec:\n%s", len(v), strings.Join(v, "\n"))
		}
		sb.Close()
		cancel()
	})
	return sb
}

// settings are an admin integration's settings for sb.
func settings(sb *sandbox.Server, key string) map[string]string {
	return map[string]string{
		clockify.SettingWorkspaceID: sandbox.DefaultWorkspaceID,
		clockify.SettingBaseURL:     sb.BaseURL(),
		clockify.SettingAPIKey:      key,
	}
}
