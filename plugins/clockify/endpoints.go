package clockify

import "github.com/idbridge/idbridge/sdk"

// PageSize is what each list call asks for. Clockify's maximum is not
// documented (5000 per a support statement, 200 seen on groups); 200 is
// inside every reported bound and keeps a page well under a megabyte.
const PageSize = 200

// paging is Clockify's list paging: 1-based page and page-size, bare
// arrays, a Last-Page header on the last page.
var paging = sdk.Paging{
	Kind: sdk.PageNumber, PageParam: "page", SizeParam: "page-size",
	PageSize: PageSize, FirstPage: 1, LastPageHeader: "Last-Page",
}

// userFields are the fields of Clockify's user JSON that a mapping uses.
var userFields = []sdk.Field{
	{Path: "id", Label: "User ID", Type: sdk.FieldString, Description: "24-hex id, the same in every workspace"},
	{Path: "email", Label: "E-mail", Type: sdk.FieldString},
	{Path: "name", Label: "Name", Type: sdk.FieldString, Description: "may be empty for a member who has not finished sign-up"},
	{Path: "status", Label: "Account status", Type: sdk.FieldString, Description: "ACTIVE, PENDING_EMAIL_VERIFICATION, NOT_REGISTERED, LIMITED, DELETED"},
	{Path: "activeWorkspace", Label: "Active workspace", Type: sdk.FieldString},
	{Path: "defaultWorkspace", Label: "Default workspace", Type: sdk.FieldString},
	{Path: "profilePicture", Label: "Profile picture URL", Type: sdk.FieldString},
	{Path: "memberships[].targetId", Label: "Membership workspace", Type: sdk.FieldString},
	{Path: "memberships[].membershipType", Label: "Membership type", Type: sdk.FieldString},
	{Path: "memberships[].membershipStatus", Label: "Membership status", Type: sdk.FieldString, Description: "PENDING, ACTIVE, DECLINED, INACTIVE: INACTIVE is a deactivated member"},
	{Path: "memberships[].hourlyRate.amount", Label: "Hourly rate (cents)", Type: sdk.FieldNumber},
	{Path: "memberships[].hourlyRate.currency", Label: "Hourly rate currency", Type: sdk.FieldString},
	{Path: "memberships[].costRate.amount", Label: "Cost rate (cents)", Type: sdk.FieldNumber},
	{Path: "memberships[].costRate.currency", Label: "Cost rate currency", Type: sdk.FieldString},
	{Path: "customFields[].customFieldId", Label: "Custom field id", Type: sdk.FieldString},
	{Path: "customFields[].customFieldName", Label: "Custom field name", Type: sdk.FieldString},
	{Path: "customFields[].value", Label: "Custom field value", Type: sdk.FieldString},
	{Path: "settings.timeZone", Label: "Time zone", Type: sdk.FieldString},
}

// Endpoints are the preconfigured inbound endpoints.
func Endpoints() []sdk.Endpoint {
	return []sdk.Endpoint{
		{
			ID: "list-users", Name: "List Users",
			Description: "Every member of the workspace whatever their membership status (pending, active, inactive, declined), with the workspace membership.",
			Method:      "GET", URL: "/v1/workspaces/{WorkspaceID}/users",
			Query: []sdk.KV{
				{Name: "memberships", Value: "WORKSPACE"},
				{Name: "status", Value: "ALL"},
				// The official spec marks include-roles required.
				{Name: "include-roles", Value: "false"},
			},
			Paging: paging, Fields: userFields, PrimaryKey: "id",
		},
		{
			ID: "list-groups", Name: "List Groups",
			Description: "The workspace's user groups with their member ids.",
			Method:      "GET", URL: "/v1/workspaces/{WorkspaceID}/user-groups",
			Paging: paging, PrimaryKey: "id",
			Fields: []sdk.Field{
				{Path: "id", Label: "Group ID", Type: sdk.FieldString},
				{Path: "name", Label: "Name", Type: sdk.FieldString},
				{Path: "workspaceId", Label: "Workspace ID", Type: sdk.FieldString},
				{Path: "userIds", Label: "Member ids", Type: sdk.FieldList},
				{Path: "teamManagers[].id", Label: "Team manager id", Type: sdk.FieldString},
				{Path: "teamManagers[].name", Label: "Team manager name", Type: sdk.FieldString},
			},
		},
		{
			ID: "list-workers", Name: "List Workers",
			Description: "The people currently working in the workspace (active membership) with their workspace membership (status, hourly and cost rates) and their manager and admin roles.",
			Method:      "GET", URL: "/v1/workspaces/{WorkspaceID}/users",
			Query: []sdk.KV{
				{Name: "memberships", Value: "WORKSPACE"},
				{Name: "status", Value: "ACTIVE"},
				{Name: "include-roles", Value: "true"},
			},
			Paging: paging, PrimaryKey: "id",
			Fields: append(append([]sdk.Field(nil), userFields...),
				sdk.Field{Path: "roles[].role", Label: "Role", Type: sdk.FieldString, Description: "WORKSPACE_ADMIN, OWNER, TEAM_MANAGER, PROJECT_MANAGER"},
				sdk.Field{Path: "roles[].entities[].id", Label: "Role entity id", Type: sdk.FieldString},
			),
		},
	}
}
