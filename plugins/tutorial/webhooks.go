package tutorial

import "github.com/idbridge/idbridge/sdk"

// Webhooks are the preconfigured outbound webhooks. Templates store their
// ids, so those never change. The %macros% are their inputs: the host
// renders them from AD attributes or earlier steps' outputs.
func Webhooks() []sdk.Webhook {
	return []sdk.Webhook{
		{ID: "add-user", Category: "users", Method: "POST", URL: "/v1/tenants/{tenant}/users",
			Description: "Creates the user %email% named %name% in the team %teamId% (empty for none) and returns the new id.",
			Body:        `{"email":"%email%","name":"%name%","team":"%teamId%"}`,
			Outputs:     []sdk.Output{{Name: "userId", Path: "id", Description: "the new user's id"}},
			// Acme refuses a second user with the same e-mail, so a call
			// left in doubt is settled by looking the user up.
			Verify: &sdk.Verify{Webhook: "find-user-by-email"}},
		{ID: "find-user-by-email", Category: "users", Idempotent: true, Method: "GET", URL: "/v1/tenants/{tenant}/users",
			Description: "Returns the id of the user whose e-mail is %email%; fails as not found when there is none.",
			Query:       []sdk.KV{{Name: "email", Value: "%email%"}},
			Outputs: []sdk.Output{{Name: "userId", Path: "users[email=%email%].id", Description: "the user's id"},
				{Name: "active", Path: "users[email=%email%].active", Description: "whether the user is active"}}},
		{ID: "deactivate-user", Category: "users", Idempotent: true, Method: "PATCH", URL: "/v1/tenants/{tenant}/users/%userId%",
			Description: "Deactivates the user %userId%; deactivating twice changes nothing.", Body: `{"active":false}`},
	}
}
