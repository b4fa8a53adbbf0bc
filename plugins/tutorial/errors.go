package tutorial

import "github.com/idbridge/idbridge/sdk"

// Errors says where Acme's error body, {"errors":[{"code","detail"}]},
// keeps the message and the code, and what to tell the admin about each
// code. Bodies of any other shape (a proxy's HTML page, say) go to the
// SDK's default decoder.
var Errors = sdk.ErrorShape{
	MessagePath: "errors[].detail",
	CodePath:    "errors[].code",
	AdviceByCode: map[string]string{
		"missing_key":    "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration",
		"invalid_key":    "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration",
		"forbidden":      "the API key is read-only: use a key with the admin role for outbound webhooks",
		"unknown_tenant": "check the tenant name in the integration's settings",
		"email_taken":    "the user already exists: look them up with Find user by email instead of adding them",
	},
}
