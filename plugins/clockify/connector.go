package clockify

import (
	"github.com/idbridge/idbridge/sdk"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// Setting keys; they are also the {Key} placeholders of the URLs.
const (
	SettingWorkspaceID = "workspaceId"
	SettingBaseURL     = "baseUrl"
	SettingAPIKey      = "apiKey"
	SettingRateLimit   = "rateLimit"
	// SettingWorkspaceAdminGroups and SettingTeamManagerGroups are the
	// roles template's table of AD groups, kept as data so that admins map
	// their own groups without editing the template. See decision 0218.
	SettingWorkspaceAdminGroups = "workspaceAdminGroups"
	SettingTeamManagerGroups    = "teamManagerGroups"
)

// Default role groups: the AD groups the roles template maps until an
// admin names others.
const (
	DefaultWorkspaceAdminGroups = "Clockify Workspace Admins"
	DefaultTeamManagerGroups    = "Clockify Team Managers"
)

// DefaultBaseURL is Clockify's global API; regional hosts such as
// https://euc1.clockify.me/api work the same way.
const DefaultBaseURL = "https://api.clockify.me/api"

// DefaultRate is Clockify's documented limit for paid workspaces: 50
// requests per second per workspace.
const DefaultRate = 50

// Version is the connector's release, reported by Describe; `make ext`
// stamps the release being packed (-X), so it matches the manifest.
var Version = "0.1.0"

// Connector returns the Clockify connector's declaration.
func Connector() sdk.Connector {
	return sdk.Connector{
		Info: sdk.Info{
			ID:               "clockify",
			Name:             "Clockify",
			Version:          Version,
			Publisher:        "idbridge",
			Description:      "Keeps Clockify workspace members and user groups in line with Active Directory.",
			DocumentationURL: "https://docs.clockify.me/",
		},
		Settings: []sdk.Setting{
			{Key: SettingWorkspaceID, Label: "Workspace ID", Type: sdk.String, Required: true,
				Pattern:     "^[0-9a-fA-F]{24}$",
				Description: "The 24-character id of the Clockify workspace (Workspace settings, or the URL of the workspace)."},
			{Key: SettingWorkspaceAdminGroups, Label: "Workspace admin groups", Type: sdk.String, Default: DefaultWorkspaceAdminGroups,
				Description: "AD groups whose members, directly or through nested groups, are workspace admins (the Clockify roles template). Name each group by its CN or full DN, separated by semicolons. A user who leaves them loses the role. Removing the setting puts the default back; a name of no group (e.g. none) makes nobody an admin through AD."},
			{Key: SettingTeamManagerGroups, Label: "Team manager groups", Type: sdk.String, Default: DefaultTeamManagerGroups,
				Description: "AD groups whose members, directly or through nested groups, are team managers of the Clockify user group named after their department (the Clockify roles template). CNs or full DNs, separated by semicolons."},
		},
		BaseURL: sdk.BaseURL{Setting: SettingBaseURL, Default: DefaultBaseURL,
			Description: "Clockify's API base, ending in /api. Use the regional host of your workspace (e.g. https://euc1.clockify.me/api) when it is not on the global one."},
		Auth: sdk.DescribedAuth(sdk.HeaderAuth("X-Api-Key", SettingAPIKey), "API key",
			"A personal API key (Profile settings → Advanced → Manage API keys) of a workspace owner or admin; it is sent as X-Api-Key."),
		// Burst 10: well inside Clockify's per-second window, so parallel
		// callers sharing the budget never pile up on the app.
		RateLimit: sdk.RateLimit{PerSecond: DefaultRate, Burst: 10, Setting: SettingRateLimit, KeySetting: SettingWorkspaceID,
			Description: "The workspace's API budget. Clockify allows 50 per second on paid plans; lower it when other tools share the workspace."},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 6},
		Endpoints:    Endpoints(),
		Webhooks:     Webhooks(),
		TestHook:     Test,
		ErrorDecoder: DecodeError,
		Remedy:       Remedy,
	}
}
