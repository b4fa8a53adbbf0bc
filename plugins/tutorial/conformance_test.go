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
		BaseURLSetting: tutorial.SettingBaseURL,
		Start: func(t *testing.T) map[string]string {
			srv, err := acmeapi.Start(acmeapi.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			return map[string]string{
				tutorial.SettingTenant:  acmeapi.DefaultTenant,
				tutorial.SettingBaseURL: srv.URL(),
				tutorial.SettingAPIKey:  acmeapi.DefaultAdminKey,
			}
		},
		Samples: map[string]map[string]string{
			tutorial.WebhookAddUser:         {"email": "new.hire@acme.example", "name": "New Hire", "teamId": "t_eng"},
			tutorial.WebhookFindUserByEmail: {"email": "new.hire@acme.example"},
			tutorial.WebhookDeactivateUser:  {"userId": "u_0001"},
		},
	})
}
