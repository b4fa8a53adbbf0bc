package clockify

import "github.com/idbridge/idbridge/sdk"

// Webhook ids, stable across releases because orchestration templates
// store them.
const (
	WebhookAddUser           = "add-user"
	WebhookFindUserByEmail   = "find-user-by-email"
	WebhookDeactivateUser    = "deactivate-user"
	WebhookActivateUser      = "activate-user"
	WebhookSetCustomField    = "set-custom-field"
	WebhookAddUserToGroup    = "add-user-to-group"
	WebhookRemoveUserFromGrp = "remove-user-from-group"
	WebhookFindGroupByName   = "find-group-by-name"
	WebhookCreateGroup       = "create-group"
	WebhookRenameGroup       = "rename-group"
	WebhookDeleteGroup       = "delete-group"
	WebhookGiveRole          = "give-role"
	WebhookRemoveRole        = "remove-role"
	WebhookFindProjectByName = "find-project-by-name"
	WebhookGiveProjectRole   = "give-project-role"
	WebhookRemoveProjectRole = "remove-project-role"
)

// The macros below (%email%, %userId%, ...) are the webhooks' inputs; the
// host renders them from AD attributes or earlier steps' outputs.
const (
	usersURL    = "/v1/workspaces/{WorkspaceID}/users"
	userURL     = usersURL + "/%userId%"
	groupsURL   = "/v1/workspaces/{WorkspaceID}/user-groups"
	groupURL    = groupsURL + "/%groupId%"
	projectsURL = "/v1/workspaces/{WorkspaceID}/projects"
)

// Webhooks are the preconfigured outbound webhooks. Idempotent marks the
// calls Clockify answers the same way when repeated, which the executor may
// then retry after an ambiguous failure; Verify names the lookup that
// settles the others (see decision 0170). Delete group and Give role have
// no lookup, so templates that use them send in-doubt calls to an admin.
func Webhooks() []sdk.Webhook {
	return []sdk.Webhook{
		{
			ID: WebhookAddUser, Name: "Add user to workspace", Category: "users",
			Description: "Invites %email% to the workspace; %sendEmail% (true/false) says whether Clockify e-mails an invitation. Clockify answers with the workspace, not the user: follow with Find user by email to get the user id. Paid workspaces only, within their seats.",
			Method:      "POST", URL: usersURL,
			Query:       []sdk.KV{{Name: "send-email", Value: "%sendEmail%"}},
			MessageType: sdk.JSON, Body: `{"email":"%email%"}`,
			Outputs: []sdk.Output{{Name: "workspaceId", Path: "id", Description: "the workspace the user was added to"}},
			// A second add of the same address is refused, so a call left
			// in doubt is settled by looking the member up.
			Verify: &sdk.Verify{Webhook: WebhookFindUserByEmail},
		},
		{
			ID: WebhookFindUserByEmail, Name: "Find user by email", Category: "users",
			Description: "Looks up the member whose e-mail is exactly %email%, whatever their status, and returns their id. Fails as not found when nobody matches.",
			Method:      "GET", URL: usersURL,
			Query: []sdk.KV{
				{Name: "email", Value: "%email%"}, {Name: "status", Value: "ALL"},
				{Name: "memberships", Value: "WORKSPACE"}, {Name: "include-roles", Value: "false"},
			},
			// Clockify's email filter matches substrings; the selector keeps
			// the exact address.
			Outputs: []sdk.Output{
				{Name: "userId", Path: "[email=%email%].id", Description: "the user's id"},
				{Name: "membershipStatus", Path: "[email=%email%].memberships[].membershipStatus", Description: "PENDING, ACTIVE, INACTIVE or DECLINED"},
			},
			Idempotent: true,
		},
		{
			ID: WebhookDeactivateUser, Name: "Deactivate user", Category: "users",
			Description: "Sets the membership of %userId% to INACTIVE. This is offboarding: Clockify cannot delete a member through its API.",
			Method:      "PUT", URL: userURL, MessageType: sdk.JSON, Body: `{"status":"INACTIVE"}`, Idempotent: true,
		},
		{
			ID: WebhookActivateUser, Name: "Activate user", Category: "users",
			Description: "Sets the membership of %userId% back to ACTIVE.",
			Method:      "PUT", URL: userURL, MessageType: sdk.JSON, Body: `{"status":"ACTIVE"}`, Idempotent: true,
		},
		{
			ID: WebhookSetCustomField, Name: "Set custom field value", Category: "users",
			Description: "Sets the user custom field %customFieldId% of %userId% to %value%.",
			Method:      "PUT", URL: userURL + "/custom-field/%customFieldId%/value",
			MessageType: sdk.JSON, Body: `{"value":"%value%"}`, Idempotent: true,
			Outputs: []sdk.Output{{Name: "value", Path: "value"}},
		},
		{
			ID: WebhookAddUserToGroup, Name: "Add user to group", Category: "groups",
			Description: "Adds %userId% to the user group %groupId%; adding a member again changes nothing.",
			Method:      "POST", URL: groupURL + "/users", MessageType: sdk.JSON, Body: `{"userId":"%userId%"}`,
			Idempotent: true,
		},
		{
			ID: WebhookRemoveUserFromGrp, Name: "Remove user from group", Category: "groups",
			Description: "Removes %userId% from the user group %groupId%; removing a non-member changes nothing.",
			Method:      "DELETE", URL: groupURL + "/users/%userId%", Idempotent: true,
		},
		{
			ID: WebhookFindGroupByName, Name: "Find group by name", Category: "groups",
			Description: "Looks up the user group whose name is exactly %name% and returns its id. Fails as not found when there is none, so a template can branch to Create group.",
			Method:      "GET", URL: groupsURL,
			Query: []sdk.KV{{Name: "name", Value: "%name%"}},
			// Clockify's name filter matches substrings; the selector keeps
			// the exact name.
			Outputs:    []sdk.Output{{Name: "groupId", Path: "[name=%name%].id", Description: "the group's id"}},
			Idempotent: true,
		},
		{
			ID: WebhookCreateGroup, Name: "Create group", Category: "groups",
			Description: "Creates the user group %name% (at most 100 characters, unique in the workspace) and returns its id.",
			Method:      "POST", URL: groupsURL, MessageType: sdk.JSON, Body: `{"name":"%name%"}`,
			Outputs: []sdk.Output{{Name: "groupId", Path: "id", Description: "the new group's id"}},
			Verify:  &sdk.Verify{Webhook: WebhookFindGroupByName},
		},
		{
			ID: WebhookRenameGroup, Name: "Rename group", Category: "groups",
			Description: "Renames the user group %groupId% to %name%.",
			Method:      "PUT", URL: groupURL, MessageType: sdk.JSON, Body: `{"name":"%name%"}`, Idempotent: true,
		},
		{
			ID: WebhookDeleteGroup, Name: "Delete group", Category: "groups",
			Description: "Deletes the user group %groupId%. A second delete is refused (Clockify answers 400), so it is not replayed blindly.",
			Method:      "DELETE", URL: groupURL,
		},
		{
			ID: WebhookGiveRole, Name: "Give role", Category: "roles",
			Description: "Gives %userId% the role %role% (WORKSPACE_ADMIN over the workspace id, or TEAM_MANAGER over a user group id, as sourceType USER_GROUP says). Project managers are made with Give project manager role. OWNER cannot be given through the API.",
			Method:      "POST", URL: userURL + "/roles", MessageType: sdk.JSON,
			Body: `{"entityId":"%entityId%","role":"%role%","sourceType":"USER_GROUP"}`,
			// Giving a role the user already holds changes nothing and
			// answers 201 with the roles held, so a replay is harmless.
			Idempotent: true,
		},
		{
			ID: WebhookRemoveRole, Name: "Remove role", Category: "roles",
			Description: "Takes the role %role% over %entityId% away from %userId%.",
			Method:      "DELETE", URL: userURL + "/roles", MessageType: sdk.JSON,
			Body:       `{"entityId":"%entityId%","role":"%role%","sourceType":"USER_GROUP"}`,
			Idempotent: true,
		},
		{
			ID: WebhookFindProjectByName, Name: "Find project by name", Category: "projects",
			Description: "Looks up the project whose name is exactly %name%, archived ones included, and returns its id. Fails as not found when there is none.",
			Method:      "GET", URL: projectsURL,
			Query: []sdk.KV{{Name: "name", Value: "%name%"}, {Name: "strict-name-search", Value: "true"}},
			// strict-name-search already matches the whole name; the
			// selector keeps the exact one should the app widen it.
			Outputs:    []sdk.Output{{Name: "projectId", Path: "[name=%name%].id", Description: "the project's id"}},
			Idempotent: true,
		},
		// Clockify gives PROJECT_MANAGER over a project without sourceType:
		// the role request's only source type, USER_GROUP, would make the
		// id a user group's. See decision 0261.
		{
			ID: WebhookGiveProjectRole, Name: "Give project manager role", Category: "roles",
			Description: "Makes %userId% a project manager of the project %projectId%. Giving it again changes nothing.",
			Method:      "POST", URL: userURL + "/roles", MessageType: sdk.JSON,
			Body:       `{"entityId":"%projectId%","role":"PROJECT_MANAGER"}`,
			Idempotent: true,
		},
		{
			ID: WebhookRemoveProjectRole, Name: "Remove project manager role", Category: "roles",
			Description: "Takes the project manager role over the project %projectId% away from %userId%; taking one not held changes nothing.",
			Method:      "DELETE", URL: userURL + "/roles", MessageType: sdk.JSON,
			Body:       `{"entityId":"%projectId%","role":"PROJECT_MANAGER"}`,
			Idempotent: true,
		},
	}
}
