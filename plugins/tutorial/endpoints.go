package tutorial

import "github.com/idbridge/idbridge/sdk"

// Endpoints are the preconfigured inbound endpoints. Their names and the
// fields' labels and types the SDK derives where the ids and paths say it.
func Endpoints() []sdk.Endpoint {
	return []sdk.Endpoint{
		{ID: "list-users", Description: "Every user of the tenant, active or not, with their team.",
			URL: "/v1/tenants/{tenant}/users", RecordsPath: "users", PrimaryKey: "id",
			Fields: []sdk.Field{{Path: "id"}, {Path: "email"}, {Path: "name"},
				{Path: "team", Label: "Team ID", Description: "empty when the user has no team"},
				{Path: "active", Type: sdk.FieldBool, Description: "false once the user is deactivated"},
				{Path: "createdAt", Type: sdk.FieldDateTime}}},
		{ID: "list-teams", Description: "The tenant's teams and how many active members each has.",
			URL: "/v1/tenants/{tenant}/teams", RecordsPath: "teams", PrimaryKey: "id",
			Fields: []sdk.Field{{Path: "id"}, {Path: "name"}, {Path: "memberCount", Label: "Active members", Type: sdk.FieldNumber}}},
	}
}
