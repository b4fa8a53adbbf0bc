package tutorial

import "github.com/idbridge/idbridge/sdk"

// Setting keys. They are also the {Key} placeholders of the URLs.
const (
	SettingTenant    = "tenant"
	SettingBaseURL   = "baseUrl"
	SettingAPIKey    = "apiKey"
	SettingRateLimit = "rateLimit"
)

// DefaultBaseURL is where Acme's API lives when the admin sets nothing.
const DefaultBaseURL = "https://directory.acme.example"

// Version is the connector's release, reported by Describe.
const Version = "0.1.0"

// Connector returns the Acme Directory connector's declaration.
func Connector() sdk.Connector {
	return sdk.Connector{
		Info: sdk.Info{
			ID:          "acme-directory",
			Name:        "Acme Directory",
			Version:     Version,
			Publisher:   "idbridge",
			Description: "Reads Acme Directory users and teams; adds, finds and deactivates users.",
		},
		Settings: []sdk.Setting{
			{Key: SettingTenant, Label: "Tenant", Type: sdk.String, Required: true,
				Pattern:     "^[a-z0-9-]{3,32}$",
				Description: "Your tenant's short name, as in https://directory.acme.example/v1/tenants/<tenant>."},
			{Key: SettingBaseURL, Label: "Base URL", Type: sdk.URL, Default: DefaultBaseURL,
				Description: "Acme's API address; change it only for a test server."},
			{Key: SettingAPIKey, Label: "API key", Type: sdk.String, Required: true, Secret: true,
				Description: "An Acme API key with the admin role (reader keys can only list); sent as X-Acme-Key."},
		},
		BaseURL:   sdk.BaseURL{Setting: SettingBaseURL, Default: DefaultBaseURL},
		Auth:      sdk.HeaderAuth("X-Acme-Key", SettingAPIKey),
		RateLimit: sdk.RateLimit{PerSecond: 20, Burst: 5, Setting: SettingRateLimit, KeySetting: SettingTenant, Description: "Acme allows 20 requests per second per key."},
		Endpoints: Endpoints(),
		Webhooks:  Webhooks(),
		TestHook:  Test,
		Errors:    Errors,
	}
}
