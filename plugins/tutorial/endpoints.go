package tutorial

import "github.com/idbridge/idbridge/sdk"

// Endpoints are the preconfigured inbound endpoints. Acme pages lists by
// ?offset (records already read) and ?limit (at most 100); a short page is
// the last.
func Endpoints() []sdk.Endpoint {
	paging := sdk.Paging{Kind: sdk.Offset, PageParam: "offset", SizeParam: "limit", PageSize: 50}
	return []sdk.Endpoint{
		{ID: "list-users", Name: "List Users", Description: "Every user of the tenant, active or not, with their team.",
			Method: "GET", URL: "/v1/tenants/{tenant}/users", Paging: paging, RecordsPath: "users", PrimaryKey: "id",
			Fields: []sdk.Field{{Path: "id", Label: "User ID", Type: sdk.FieldString},
				{Path: "email", Label: "E-mail", Type: sdk.FieldString}, {Path: "name", Label: "Name", Type: sdk.FieldString},
				{Path: "team", Label: "Team ID", Type: sdk.FieldString, Description: "empty when the user has no team"},
				{Path: "active", Label: "Active", Type: sdk.FieldBool, Description: "false once the user is deactivated"},
				{Path: "createdAt", Label: "Created", Type: sdk.FieldDateTime}}},
		{ID: "list-teams", Name: "List Teams", Description: "The tenant's teams and how many active members each has.",
			Method: "GET", URL: "/v1/tenants/{tenant}/teams", Paging: paging, RecordsPath: "teams", PrimaryKey: "id",
			Fields: []sdk.Field{{Path: "id", Label: "Team ID", Type: sdk.FieldString},
				{Path: "name", Label: "Name", Type: sdk.FieldString}, {Path: "memberCount", Label: "Active members", Type: sdk.FieldNumber}}},
	}
}
