package clockify

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// apiError is Clockify's error body. The code is a JSON number in practice;
// json.Number also accepts a quoted one.
type apiError struct {
	Message string      `json:"message"`
	Code    json.Number `json:"code"`
}

// DecodeError reads Clockify's {"message","code"} bodies. Clockify answers
// some errors with an empty body (an unknown workspace id is a bare 404), so
// an empty body gets a message that names the likely cause.
func DecodeError(status int, h http.Header, body []byte) (string, string) {
	var e apiError
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return e.Message, e.Code.String()
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		switch status {
		case http.StatusNotFound:
			return "Clockify found nothing at this URL (an unknown workspace id answers this way)", ""
		case http.StatusTooManyRequests:
			return "Too many requests", ""
		}
	}
	return httpexec.DecodeError(status, h, body)
}

// Clockify's own error codes that change the advice.
const (
	codeNoToken      = "1000"
	codeUnknownKey   = "4003"
	codeNotInWS      = "501"
	codeDomainBanned = "1004"
)

// Remedy gives Clockify-specific advice for an error, or "" for the SDK's
// generic advice.
func Remedy(ae *connectorv1.AppError) string {
	switch {
	case ae.GetAppCode() == codeUnknownKey:
		return "Clockify does not know this API key: create one under Profile settings → Advanced → Manage API keys and enter it in the integration"
	case ae.GetAppCode() == codeNoToken:
		return "no API key reached Clockify: enter the API key in the integration's authorization"
	case ae.GetHttpStatus() == http.StatusForbidden:
		return "the API key's user lacks a right for this call: use the key of a workspace owner or admin"
	case ae.GetHttpStatus() == http.StatusNotFound && strings.Contains(ae.GetMessage(), "workspace"):
		return "check the workspace id and that the base URL is your workspace's region (e.g. https://euc1.clockify.me/api)"
	case ae.GetAppCode() == codeNotInWS && strings.Contains(ae.GetMessage(), "belong to"):
		return "the id does not exist in this workspace: resolve it again (e.g. with Find user by email) before this step"
	case ae.GetAppCode() == codeDomainBanned:
		return "the workspace does not accept this e-mail domain: allow it in Clockify's workspace settings or use another address"
	case ae.GetHttpStatus() == http.StatusTooManyRequests:
		return "Clockify kept answering 429: lower the integration's requests per second (" + strconv.Itoa(DefaultRate) + " is the paid-plan limit; free plans allow far less)"
	}
	return ""
}
