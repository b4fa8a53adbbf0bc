package api

import (
	"encoding/json"
	"strings"
)

// Redacted replaces secret values in audit records and logs.
const Redacted = "****"

// secretWords mark object keys whose values are credentials. Matching is
// by substring and case-insensitive, so apiKey, client_secret and
// bindPassword are all caught; a false positive only hides a value in the
// audit log, a false negative would keep a secret there.
var secretWords = []string{"password", "secret", "token", "apikey", "api_key", "authorization", "credential", "privatekey", "private_key"}

// SecretKey reports whether a JSON object key names a credential.
func SecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// RedactAll returns body with every value replaced by Redacted, keeping
// only its shape; for bodies that are credentials as a whole, such as an
// integration's authorization settings, whatever their keys are called.
func RedactAll(body []byte) json.RawMessage { return redactJSON(body, true) }

// RedactJSON returns body with the values of secret-looking keys replaced
// by Redacted, at any depth. A body that is not JSON is not kept: an
// audit entry must never hold bytes no one checked.
func RedactJSON(body []byte) json.RawMessage { return redactJSON(body, false) }

func redactJSON(body []byte, all bool) json.RawMessage {
	if len(body) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil
	}
	out, err := json.Marshal(redact(v, all))
	if err != nil {
		return nil
	}
	return out
}

// redact walks v; under a secret key every leaf is replaced.
func redact(v any, secret bool) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = redact(x, secret || SecretKey(k))
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = redact(x, secret)
		}
		return t
	case nil:
		return nil
	default:
		if secret {
			return Redacted
		}
		return t
	}
}
