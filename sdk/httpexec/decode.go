package httpexec

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrorDecoder reads an app's error body into a message and the app's own
// code. Apps differ (Clockify sends {"message","code"}); a connector plugs
// its own in and falls back to DecodeError for anything it does not know.
type ErrorDecoder func(status int, header http.Header, body []byte) (message, code string)

// maxPlainError bounds how much of a non-JSON error body becomes the message;
// an HTML error page is no help to an admin beyond its first line.
const maxPlainError = 200

// DecodeError is the default ErrorDecoder. It understands the common JSON
// shapes ({"message"}, {"error"}, {"error":{"message"}}, {"detail"}) with an
// optional "code", and otherwise uses the start of the body as text.
func DecodeError(_ int, _ http.Header, body []byte) (message, code string) {
	var doc map[string]any
	if json.Unmarshal(body, &doc) == nil {
		for _, k := range []string{"message", "error_description", "detail", "error", "title"} {
			switch v := doc[k].(type) {
			case string:
				if message == "" {
					message = v
				}
			case map[string]any:
				if m, ok := v["message"].(string); ok && message == "" {
					message = m
				}
				if c := scalar(v["code"]); c != "" && code == "" {
					code = c
				}
			}
		}
		if c := scalar(doc["code"]); c != "" {
			code = c
		}
		return message, code
	}
	text := strings.TrimSpace(string(body))
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if len(text) > maxPlainError {
		text = text[:maxPlainError]
		for !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
		text += "…"
	}
	return text, ""
}

// scalar renders a JSON code (number or string) as text.
func scalar(v any) string {
	switch c := v.(type) {
	case string:
		return c
	case float64:
		return strconv.FormatFloat(c, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(c)
	}
	return ""
}
