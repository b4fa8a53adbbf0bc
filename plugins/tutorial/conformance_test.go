package tutorial_test

import (
	"testing"

	"github.com/idbridge/idbridge/plugins/tutorial"
	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// TestConformance runs the SDK's conformance kit on the connector, in
// process and as the real plugin binary, each against a fresh Acme server.
func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Config{
		Connector:      tutorial.Connector(),
		Plugin:         pluginPath,
		BaseURLSetting: "baseUrl",
		Start: func(t *testing.T) map[string]string {
			srv, err := acmeapi.Start(acmeapi.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			return map[string]string{
				"tenant":  acmeapi.DefaultTenant,
				"baseUrl": srv.URL(),
				"apiKey":  acmeapi.DefaultAdminKey,
			}
		},
		Samples: map[string]map[string]string{
			"add-user":           {"email": "new.hire@acme.example", "name": "New Hire", "teamId": "t_eng"},
			"find-user-by-email": {"email": "new.hire@acme.example"},
			"deactivate-user":    {"userId": "u_0001"},
		},
	})
}
