package tutorial

import (
	"encoding/json"
	"net/http"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// DecodeError reads Acme's error body, {"errors":[{"code","detail"}]},
// into the message and code the host shows. Bodies of any other shape (a
// proxy's HTML page, say) go to the SDK's default decoder.
func DecodeError(status int, h http.Header, body []byte) (message, code string) {
	var e struct {
		Errors []struct {
			Code   string `json:"code"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
		return e.Errors[0].Detail, e.Errors[0].Code
	}
	return httpexec.DecodeError(status, h, body)
}

// Remedy turns Acme's error codes into advice for the admin; "" keeps the
// SDK's generic advice for the error's kind.
func Remedy(ae *connectorv1.AppError) string {
	switch ae.GetAppCode() {
	case "missing_key", "invalid_key":
		return "Acme refused the API key: create a key under Settings → API keys in Acme and enter it in the integration"
	case "forbidden":
		return "the API key is read-only: use a key with the admin role for outbound webhooks"
	case "unknown_tenant":
		return "check the tenant name in the integration's settings"
	case "email_taken":
		return "the user already exists: look them up with Find user by email instead of adding them"
	}
	return ""
}
