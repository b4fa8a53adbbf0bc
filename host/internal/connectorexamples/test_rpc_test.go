package connectorexamples_test

import (
	"context"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// TestConnectionTestReportsEachProblem runs each example's Test with
// settings an admin gets wrong, and expects the same checks the Go
// tutorial connector reports: a failed settings check, a refused key, and
// a warning for a read-only key.
func TestConnectionTestReportsEachProblem(t *testing.T) {
	srv, err := acmeapi.Start(acmeapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	for _, c := range connectors {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sup := pluginhost.NewSupervisor(pluginhost.Config{StartTimeout: 30 * time.Second})
			t.Cleanup(func() { _ = sup.Shutdown(context.Background()) })
			h, err := sup.Add("test", interpreted(t, c))
			if err != nil {
				t.Fatal(err)
			}
			settings := func(tenant, key string) map[string]string {
				return map[string]string{"tenant": tenant, "baseUrl": srv.URL(), "apiKey": key}
			}
			for _, tc := range []struct {
				name     string
				settings map[string]string
				ok       bool
				check    string
				status   connectorv1.CheckStatus
			}{
				{"admin key", settings("acme", acmeapi.DefaultAdminKey), true, "manage-users", connectorv1.CheckStatus_CHECK_STATUS_OK},
				{"reader key", settings("acme", acmeapi.DefaultReaderKey), true, "manage-users", connectorv1.CheckStatus_CHECK_STATUS_WARNING},
				{"wrong key", settings("acme", "not-a-key"), false, "credentials", connectorv1.CheckStatus_CHECK_STATUS_FAILED},
				{"bad tenant", settings("A!", acmeapi.DefaultAdminKey), false, "settings", connectorv1.CheckStatus_CHECK_STATUS_FAILED},
			} {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				resp, err := h.Test(ctx, &connectorv1.TestRequest{Settings: tc.settings})
				cancel()
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				var found *connectorv1.Check
				for _, ch := range resp.GetChecks() {
					if ch.GetId() == tc.check {
						found = ch
					}
				}
				if resp.GetOk() != tc.ok || found == nil || found.GetStatus() != tc.status || found.GetMessage() == "" {
					t.Errorf("%s: ok=%v checks %v; want ok=%v and %s %v", tc.name, resp.GetOk(), resp.GetChecks(), tc.ok, tc.check, tc.status)
				}
				if tc.status != connectorv1.CheckStatus_CHECK_STATUS_OK && found != nil && found.GetRemedy() == "" {
					t.Errorf("%s: the %s check says nothing to do", tc.name, tc.check)
				}
			}
		})
	}
}
