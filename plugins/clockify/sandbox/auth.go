package sandbox

import "net/http"

// authenticate applies Clockify's rule that exactly one credential header
// is sent. It returns the key, or an HTTP status, code and message for the
// 401 answer. Header names are matched case-insensitively by net/http.
func (s *Server) authenticate(r *http.Request) (APIKey, int, int, string) {
	apiKey, hasAPI := header(r, "X-Api-Key")
	addon, hasAddon := header(r, "X-Addon-Token")
	_, hasMarket := header(r, "X-Marketplace-Token")
	n := 0
	for _, b := range []bool{hasAPI, hasAddon, hasMarket} {
		if b {
			n++
		}
	}
	if n != 1 {
		return APIKey{}, http.StatusUnauthorized, codeAuthTokens, msgMultipleOrNone
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	switch {
	case hasAPI:
		if k, ok := s.store.apiKeys[apiKey]; ok {
			return k, 0, 0, ""
		}
		return APIKey{}, http.StatusUnauthorized, codeUnknownAPIKey, msgAPIKeyNotExist
	case hasAddon:
		if k, ok := s.store.addonKeys[addon]; ok {
			return k, 0, 0, ""
		}
	}
	// Marketplace tokens are never issued by the sandbox.
	return APIKey{}, http.StatusUnauthorized, codeBadAddonToken, msgTokenNotValid
}

// header returns a header's value and whether it was sent at all; an empty
// value still counts as sent, as it does for Clockify's count.
func header(r *http.Request, name string) (string, bool) {
	v, ok := r.Header[http.CanonicalHeaderKey(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}
