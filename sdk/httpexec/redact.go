package httpexec

import "net/url"

// redact drops the query and user info of a URL for errors and logs: some
// apps take keys as query parameters, and the executor cannot tell which.
// The full, masked URL is reported separately in exchanges.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	return u.String()
}
