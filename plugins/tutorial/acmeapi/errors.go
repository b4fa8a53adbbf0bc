package acmeapi

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Error codes the API answers with; the connector's error decoder and
// remedies key on them.
const (
	CodeMissingKey    = "missing_key"
	CodeInvalidKey    = "invalid_key"
	CodeForbidden     = "forbidden"
	CodeUnknownTenant = "unknown_tenant"
	CodeNotFound      = "not_found"
	CodeBadParameter  = "invalid_parameter"
	CodeInvalidEmail  = "invalid_email"
	CodeUnknownTeam   = "unknown_team"
	CodeEmailTaken    = "email_taken"
	CodeBadMethod     = "method_not_allowed"
	CodeRateLimited   = "rate_limited"
)

// apiError is one entry of the error body.
type apiError struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// writeError answers status with the API's error body.
func writeError(w http.ResponseWriter, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string][]apiError{"errors": {{Code: code, Detail: detail}}})
}

// writeJSON answers status with v.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// tooManyRequests answers 429 with Retry-After in whole seconds, at least
// one since the header cannot say less.
func tooManyRequests(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	writeError(w, http.StatusTooManyRequests, CodeRateLimited, "too many requests for this API key; slow down")
}
