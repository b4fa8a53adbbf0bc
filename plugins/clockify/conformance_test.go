package clockify_test

import (
	"testing"

	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// Ids from sandbox.DefaultSeed.
const (
	userBarbara = "6650a1b2c3d4e5f6a7b8c905"
	userKen     = "6650a1b2c3d4e5f6a7b8c906"
	userDennis  = "6650a1b2c3d4e5f6a7b8c907"
	userLinus   = "6650a1b2c3d4e5f6a7b8c904"
	groupEng    = "6650a1b2c3d4e5f6a7b8cb01"
	groupSales  = "6650a1b2c3d4e5f6a7b8cb02"
	groupSupp   = "6650a1b2c3d4e5f6a7b8cb03"
	fieldEmpID  = "6650a1b2c3d4e5f6a7b8ca01"
	projectEng  = "6650a1b2c3d4e5f6a7b8cc01"
)

// TestConformance runs the SDK's conformance kit on the connector, in
// process and as the real plugin binary, each against a fresh sandbox that
// checks every exchange against the official spec.
func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Config{
		Connector:      clockify.Connector(),
		Plugin:         pluginPath,
		BaseURLSetting: clockify.SettingBaseURL,
		Start: func(t *testing.T) map[string]string {
			return settings(startSandbox(t, sandbox.DefaultSeed()), sandbox.DefaultAdminKey)
		},
		Samples: map[string]map[string]string{
			clockify.WebhookAddUser:           {"email": "new.person@example.com", "sendEmail": "false"},
			clockify.WebhookFindUserByEmail:   {"email": "barbara.dev@example.com"},
			clockify.WebhookDeactivateUser:    {"userId": userKen},
			clockify.WebhookActivateUser:      {"userId": userDennis},
			clockify.WebhookSetCustomField:    {"userId": userBarbara, "customFieldId": fieldEmpID, "value": "E-2005"},
			clockify.WebhookAddUserToGroup:    {"userId": userBarbara, "groupId": groupSupp},
			clockify.WebhookRemoveUserFromGrp: {"userId": userKen, "groupId": groupSales},
			clockify.WebhookFindGroupByName:   {"name": "Engineering"},
			clockify.WebhookCreateGroup:       {"name": "Conformance Group"},
			clockify.WebhookRenameGroup:       {"groupId": groupSupp, "name": "Support Desk"},
			clockify.WebhookDeleteGroup:       {"groupId": groupSales},
			clockify.WebhookGiveRole:          {"userId": userBarbara, "role": "TEAM_MANAGER", "entityId": groupEng},
			clockify.WebhookRemoveRole:        {"userId": userLinus, "role": "TEAM_MANAGER", "entityId": groupEng},
			clockify.WebhookFindProjectByName: {"name": "Engineering"},
			clockify.WebhookGiveProjectRole:   {"userId": userBarbara, "projectId": projectEng},
			clockify.WebhookRemoveProjectRole: {"userId": userBarbara, "projectId": projectEng},
		},
	})
}
