package tutorial

import "github.com/idbridge/idbridge/sdk"

// Webhook ids. Orchestration templates store them, so they never change.
const (
	WebhookAddUser         = "add-user"
	WebhookFindUserByEmail = "find-user-by-email"
	WebhookDeactivateUser  = "deactivate-user"
)

// Webhooks are the preconfigured outbound webhooks. The %macros% are their
// inputs: the host renders them from AD attributes or earlier steps'
// outputs before it calls Invoke.
func Webhooks() []sdk.Webhook {
	return []sdk.Webhook{
		{ID: WebhookAddUser, Name: "Add user", Category: "users",
			Description: "Creates the user %email% named %name% in the team %teamId% (empty for none) and returns the new id.",
			Method:      "POST", URL: "/v1/tenants/{tenant}/users", MessageType: sdk.JSON,
			Body:    `{"email":"%email%","name":"%name%","team":"%teamId%"}`,
			Outputs: []sdk.Output{{Name: "userId", Path: "id", Description: "the new user's id"}},
			// Acme refuses a second user with the same e-mail, so a call
			// left in doubt is settled by looking the user up.
			Verify: &sdk.Verify{Webhook: WebhookFindUserByEmail}},
		{ID: WebhookFindUserByEmail, Name: "Find user by email", Category: "users", Idempotent: true,
			Description: "Returns the id of the user whose e-mail is %email%; fails as not found when there is none.",
			Method:      "GET", URL: "/v1/tenants/{tenant}/users", Query: []sdk.KV{{Name: "email", Value: "%email%"}},
			Outputs: []sdk.Output{{Name: "userId", Path: "users[email=%email%].id", Description: "the user's id"},
				{Name: "active", Path: "users[email=%email%].active", Description: "whether the user is active"}}},
		{ID: WebhookDeactivateUser, Name: "Deactivate user", Category: "users", Idempotent: true,
			Description: "Deactivates the user %userId%; deactivating twice changes nothing.",
			Method:      "PATCH", URL: "/v1/tenants/{tenant}/users/%userId%", MessageType: sdk.JSON, Body: `{"active":false}`},
	}
}
