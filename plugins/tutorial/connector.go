// Package tutorial is the connector built step by step in the connector
// tutorial (docs/connectors/tutorial.md): the "Acme Directory" HTTP API,
// declared with package sdk. Package acmeapi beside it is a test server of
// that API, so the tutorial runs offline.
package tutorial

import "github.com/idbridge/idbridge/sdk"

// Setting keys. They are also the {Key} placeholders of the URLs.
const (
	SettingTenant    = "tenant"
	SettingBaseURL   = "baseUrl"
	SettingAPIKey    = "apiKey"
	SettingRateLimit = "rateLimit"
)

// Version is the connector's release, reported by Describe.
const Version = "0.1.0"

// Connector returns the Acme Directory connector's declaration. The SDK
// declares the base URL, API key and rate settings, after the tenant, from
// BaseURL, Auth and RateLimit.
func Connector() sdk.Connector {
	return sdk.Connector{
		Info: sdk.Info{ID: "acme-directory", Name: "Acme Directory", Version: Version, Publisher: "idbridge",
			Description: "Reads Acme Directory users and teams; adds, finds and deactivates users."},
		Settings: []sdk.Setting{{Key: SettingTenant, Label: "Tenant", Type: sdk.String, Required: true, Pattern: "^[a-z0-9-]{3,32}$",
			Description: "Your tenant's short name, as in https://directory.acme.example/v1/tenants/<tenant>."}},
		BaseURL: sdk.BaseURL{Setting: SettingBaseURL, Default: "https://directory.acme.example",
			Description: "Acme's API address; change it only for a test server."},
		Auth: sdk.DescribedAuth(sdk.HeaderAuth("X-Acme-Key", SettingAPIKey), "API key",
			"An Acme API key with the admin role (reader keys can only list); sent as X-Acme-Key."),
		RateLimit: sdk.RateLimit{PerSecond: 20, Burst: 5, Setting: SettingRateLimit, KeySetting: SettingTenant,
			Description: "Acme allows 20 requests per second per key."},
		Endpoints: Endpoints(), Webhooks: Webhooks(), TestHook: Test, Errors: Errors,
	}
}
