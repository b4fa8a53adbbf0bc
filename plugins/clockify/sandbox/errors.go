package sandbox

import (
	"encoding/json"
	"net/http"
)

// Clockify's error codes, as observed on the live API (see README).
const (
	codeBusiness       = 501  // validation and "doesn't belong to Workspace"
	codeAuthTokens     = 1000 // none or several auth headers
	codeUnknownAPIKey  = 4003 // X-Api-Key not known
	codeBadAddonToken  = 4017 // X-Addon-Token not valid
	codeMethodNotAllow = 3000 // route exists, method does not
	codeBadRequestBody = 3002 // body or parameter cannot be converted
	codeMigratedToCake = 400  // DELETE member
	codeTooMany        = 429  // unconfirmed; see README
	codeServerError    = 500  // injected faults only
	codeNoResource     = 404  // unrouted path; unconfirmed
)

// apiError is Clockify's error envelope. Code is always a JSON number.
type apiError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
}

// writeError sends the envelope with the given HTTP status.
func writeError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, apiError{Message: message, Code: code})
}

// writeJSON sends v as the whole response body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // a write error means the client went away.
}

// Messages shared by several handlers, worded as Clockify words them.
const (
	msgAccessDenied     = "Access Denied"
	msgUserNotInWS      = "User doesn't belong to Workspace"
	msgGroupNotInWS     = "User group doesn't belong to Workspace"
	msgProjectNotInWS   = "Project doesn't belong to Workspace"
	msgTooManyRequests  = "Too many requests"
	msgMultipleOrNone   = "Multiple or none auth tokens present"
	msgAPIKeyNotExist   = "Api key does not exist"
	msgTokenNotValid    = "Token is not valid"
	msgMigratedToCake   = "User is migrated to Cake. Use Cake to remove user from workspace"
	msgMustNotBeBlank   = "must not be blank"
	msgGroupNameMissing = "User group name is required"
)
