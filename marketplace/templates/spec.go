package templates

import (
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Spec is the webhook in the contract's shape, as the host hands custom
// webhooks to the connector: the same form as a preconfigured one from
// Describe, so one renderer serves both.
func (w Webhook) Spec() *connectorv1.WebhookSpec {
	s := &connectorv1.WebhookSpec{
		Id: w.ID, Name: w.Name, Description: w.Description,
		Method: w.Method, Url: w.URL, Body: w.Body, Idempotent: strings.EqualFold(w.Method, "GET"),
	}
	switch strings.ToLower(w.MessageType) {
	case "json":
		s.MessageType = connectorv1.MessageType_MESSAGE_TYPE_JSON
	case "form":
		s.MessageType = connectorv1.MessageType_MESSAGE_TYPE_FORM
	case "xml":
		s.MessageType = connectorv1.MessageType_MESSAGE_TYPE_XML
	case "text":
		s.MessageType = connectorv1.MessageType_MESSAGE_TYPE_TEXT
	}
	for _, q := range w.Query {
		s.Query = append(s.Query, &connectorv1.KeyValue{Name: q.Name, Value: q.Value})
	}
	for _, o := range w.Outputs {
		s.Outputs = append(s.Outputs, &connectorv1.OutputSpec{Name: o.Name, Path: o.Path, Description: o.Description})
	}
	return s
}

// Placeholders returns the %name% inputs a webhook spec needs, in first-use
// order: the values a step must give it.
func Placeholders(s *connectorv1.WebhookSpec) []string {
	var out []string
	seen := map[string]bool{}
	scan := func(text string) {
		for {
			i := strings.IndexByte(text, '%')
			if i < 0 {
				return
			}
			j := strings.IndexByte(text[i+1:], '%')
			if j < 0 {
				return
			}
			name := text[i+1 : i+1+j]
			if name != "" && !seen[name] && isName(name) {
				seen[name] = true
				out = append(out, name)
			}
			text = text[i+2+j:]
		}
	}
	scan(s.GetUrl())
	for _, kv := range s.GetQuery() {
		scan(kv.GetValue())
	}
	for _, kv := range s.GetHeaders() {
		scan(kv.GetValue())
	}
	scan(s.GetBody())
	for _, o := range s.GetOutputs() {
		scan(o.GetPath())
	}
	return out
}

func isName(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return true
}
