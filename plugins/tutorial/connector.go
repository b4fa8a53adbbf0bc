// Package tutorial is the connector built step by step in the connector
// tutorial (docs/connectors/tutorial.md): the "Acme Directory" HTTP API,
// declared with package sdk. Package acmeapi beside it is a test server of
// that API, so the tutorial runs offline.
package tutorial

import "github.com/idbridge/idbridge/sdk"

// Connector returns the Acme Directory connector's declaration: what holds
// for every call to Acme here, the endpoints and webhooks in their own
// files. The SDK declares the base URL, API key and rate settings, after
// the tenant, from BaseURL, Auth and RateLimit.
func Connector() sdk.Connector {
	return sdk.Connector{
		Info: sdk.Info{ID: "acme-directory", Name: "Acme Directory", Version: "0.1.0", Publisher: "idbridge",
			Description: "Reads Acme Directory users and teams; adds, finds and deactivates users."},
		Settings: []sdk.Setting{{Key: "tenant", Required: true, Pattern: "^[a-z0-9-]{3,32}$",
			Description: "Your tenant's short name, as in https://directory.acme.example/v1/tenants/<tenant>."}},
		BaseURL: sdk.BaseURL{Setting: "baseUrl", Default: "https://directory.acme.example",
			Description: "Acme's API address; change it only for a test server."},
		Auth: sdk.DescribedAuth(sdk.HeaderAuth("X-Acme-Key", "apiKey"), "API key",
			"An Acme API key with the admin role (reader keys can only list); sent as X-Acme-Key."),
		RateLimit: sdk.RateLimit{PerSecond: 20, Burst: 5, Setting: "rateLimit", KeySetting: "tenant",
			Description: "Acme allows 20 requests per second per key."},
		// Lists page by ?offset (records already read) and ?limit (at most
		// 100); a short page is the last.
		Paging: sdk.Paging{Kind: sdk.Offset, PageParam: "offset", SizeParam: "limit", PageSize: 50},
		// Error bodies are {"errors":[{"code","detail"}]}; any other shape
		// (a proxy's HTML page, say) goes to the SDK's default decoder.
		Errors: sdk.ErrorShape{MessagePath: "errors[].detail", CodePath: "errors[].code",
			AdviceByStatus: map[int]string{
				401: "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration"},
			AdviceByCode: map[string]string{
				"forbidden":      "the API key is read-only: use a key with the admin role for outbound webhooks",
				"unknown_tenant": "check the tenant name in the integration's settings",
				"email_taken":    "the user already exists: look them up with Find user by email instead of adding them"}},
		// Acme's /me says whose key it is and its role: one call tells
		// whether the key works and whether it may change users.
		Test: &sdk.TestCall{URL: "/v1/tenants/{tenant}/me", Account: "email",
			Expect: []sdk.Expect{{ID: "manage-users", Name: "Manage users (outbound)", Path: "role", Equals: "admin",
				Passed: "the key has the admin role", Remedy: "use a key with the admin role to add or deactivate users",
				Otherwise: "the key has the {value} role: inbound endpoints work, outbound webhooks will be refused"}}},
		Endpoints: Endpoints(), Webhooks: Webhooks(),
	}
}
