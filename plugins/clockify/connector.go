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
	// SettingRoleTable is the table AD group -> Clockify role that the
	// roles template and a roles data source read, kept as data so that an
	// admin adds a row, for any role, without editing the template. See
	// decision 0260.
	SettingRoleTable = "roleTable"
)

// The roles Clockify gives through its API, the values of the role table.
// OWNER cannot be given or taken through it.
const (
	RoleWorkspaceAdmin = "WORKSPACE_ADMIN"
	RoleTeamManager    = "TEAM_MANAGER"
	RoleProjectManager = "PROJECT_MANAGER"
)

// Default role groups: the AD groups the role table maps until an admin
// names others.
const (
	DefaultWorkspaceAdminGroup = "Clockify Workspace Admins"
	DefaultTeamManagerGroup    = "Clockify Team Managers"
)

// DefaultRoleTable maps the default groups. It has no PROJECT_MANAGER row,
// so the template leaves project managers alone until an admin adds one.
const DefaultRoleTable = DefaultWorkspaceAdminGroup + " -> " + RoleWorkspaceAdmin + "; " +
	DefaultTeamManagerGroup + " -> " + RoleTeamManager

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
			{Key: SettingRoleTable, Label: "Role table (AD group -> role)", Type: sdk.String, Default: DefaultRoleTable,
				Rows: &sdk.SettingRows{Name: "Role table", KeyNoun: "AD group", ValueNoun: "role Clockify gives",
					Values: []string{RoleWorkspaceAdmin, RoleTeamManager, RoleProjectManager}},
				Description: "Rows \"AD group -> role\" separated by semicolons, e.g. \"Timesheet Admins -> WORKSPACE_ADMIN; Project Leads -> PROJECT_MANAGER\". A group is named by its CN or full DN; members, directly or through nested groups, get the role: WORKSPACE_ADMIN over the workspace, TEAM_MANAGER over the user group named after their department, PROJECT_MANAGER over the project named after their department. A user who leaves the groups loses the role; a role no row names is left alone. Removing the setting puts the default back."},
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
