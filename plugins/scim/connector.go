package scim

import "github.com/idbridge/idbridge/sdk"

// Setting keys; baseUrl is also the root every SCIM path is appended to.
const (
	SettingBaseURL   = "baseUrl"
	SettingToken     = "token"
	SettingRateLimit = "rateLimit"
)

// Version is the connector's release, reported by Describe; `make ext`
// stamps the release being packed (-X), so it matches the manifest.
var Version = "0.1.0"

// mediaType is SCIM's own JSON media type (RFC 7644 §3.1).
const mediaType = "application/scim+json"

// Connector returns the SCIM 2.0 connector's declaration.
func Connector() sdk.Connector {
	return sdk.Connector{
		Info: sdk.Info{ID: "scim", Name: "SCIM 2.0", Version: Version, Publisher: "idbridge",
			Description:      "Provisions users and group memberships in any app that speaks SCIM 2.0.",
			DocumentationURL: "https://www.rfc-editor.org/rfc/rfc7644"},
		BaseURL: sdk.BaseURL{Setting: SettingBaseURL, Label: "SCIM base URL",
			Description: "The app's SCIM root, the URL that /Users is appended to, e.g. https://api.example.com/scim/v2."},
		Auth: sdk.DescribedAuth(sdk.BearerAuth(SettingToken), "Bearer token",
			"The provisioning token the app issues for SCIM; it is sent as Authorization: Bearer."),
		RateLimit: sdk.RateLimit{PerSecond: 10, Burst: 5, Setting: SettingRateLimit, Description: "Stay under the app's documented SCIM limit."},
		Headers:   []sdk.KV{{Name: "Accept", Value: mediaType}},
		Errors: sdk.ErrorShape{MessagePath: "detail", CodePath: "scimType",
			AdviceByCode: map[string]string{
				"uniqueness":    "the app already has this userName or group: look it up instead of creating it",
				"invalidFilter": "the app does not support this filter; check the attribute name and that the app allows filtering on it",
				"mutability":    "the app does not let SCIM change this attribute",
				"invalidValue":  "a value sent does not fit the app's schema (see the exchange)",
				"noTarget":      "the user or group to change does not exist in the app any more",
			},
			AdviceByStatus: map[int]string{
				401: "the app refused the token: issue a new SCIM token in the app and enter it in the integration",
				403: "the token may not provision: issue it from an admin account with provisioning rights",
				404: "the object or the SCIM base URL does not exist: check the base URL ends at the SCIM root (…/scim/v2)",
			}},
		Endpoints: []sdk.Endpoint{
			list("list-users", "List Users", "/Users", []sdk.Field{{Path: "id"}, {Path: "userName"}, {Path: "active", Type: sdk.FieldBool},
				{Path: "name.givenName"}, {Path: "name.familyName"}, {Path: "emails[].value", Label: "Email"}, {Path: "externalId"}}),
			list("list-groups", "List Groups", "/Groups", []sdk.Field{{Path: "id"}, {Path: "displayName"}, {Path: "members[].value", Label: "Member ids"}}),
		},
		Webhooks: Webhooks(),
	}
}

// list is a SCIM list endpoint, paged by 1-based startIndex up to
// totalResults (RFC 7644 §3.4.2.4).
func list(id, name, url string, fields []sdk.Field) sdk.Endpoint {
	return sdk.Endpoint{ID: id, Name: name, URL: url, RecordsPath: "Resources", PrimaryKey: "id", Fields: fields,
		Paging: sdk.Paging{Kind: sdk.Offset, PageParam: "startIndex", SizeParam: "count", PageSize: 100, FirstPage: 1, TotalPath: "totalResults"}}
}
