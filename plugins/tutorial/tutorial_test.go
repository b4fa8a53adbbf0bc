package tutorial_test

import (
	"context"
	"testing"
	"time"

	"github.com/idbridge/idbridge/plugins/tutorial"
	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// pluginPath is the connector binary, built once for the package's tests.
var pluginPath string

func TestMain(m *testing.M) { connectortest.Main(m, "./cmd/idbridge-acme", &pluginPath) }

// startAcme serves a fresh default tenant for one test.
func startAcme(t *testing.T, opts acmeapi.Options) *acmeapi.Server {
	t.Helper()
	srv, err := acmeapi.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// settingsFor are an integration's settings for srv with key.
func settingsFor(srv *acmeapi.Server, key string) map[string]string {
	return map[string]string{
		"tenant":  acmeapi.DefaultTenant,
		"baseUrl": srv.URL(),
		"apiKey":  key,
	}
}

// invoke runs one preconfigured webhook with sample macro values, rendered
// the way the host renders them.
func invoke(t *testing.T, cl connectorv1.ConnectorClient, settings map[string]string, id string, vars map[string]string) (*connectorv1.InvokeResponse, error) {
	t.Helper()
	var spec *connectorv1.WebhookSpec
	for _, w := range tutorial.Connector().Describe().GetWebhooks() {
		if w.GetId() == id {
			spec = w
		}
	}
	if spec == nil {
		t.Fatalf("no webhook %q", id)
	}
	call, outs, missing := connectortest.Render(spec, vars)
	if len(missing) > 0 {
		t.Fatalf("webhook %s: no values for %v", id, missing)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return cl.Invoke(ctx, &connectorv1.InvokeRequest{Settings: settings, WebhookId: id, Call: call, Outputs: outs})
}

// appError is the connector error in err, which must not be nil.
func appError(t *testing.T, err error) *connectorv1.AppError {
	t.Helper()
	if err == nil {
		t.Fatal("the call succeeded; want an error")
	}
	return sdk.ErrorFromStatus(err)
}
