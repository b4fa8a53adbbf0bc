package connectortest

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Render does what the host's macro engine does for a webhook, with sample
// values: each %name% is replaced, escaped for where it stands (path, query,
// JSON or form body). It returns the call, the outputs with their paths
// rendered, and the macros that had no value. Tests use it to invoke a
// webhook the way the host would.
func Render(w *connectorv1.WebhookSpec, vars map[string]string) (*connectorv1.RenderedCall, []*connectorv1.OutputSpec, []string) {
	missing := map[string]bool{}
	sub := func(s string, esc func(string) string) string {
		return macro.ReplaceAllStringFunc(s, func(m string) string {
			name := m[1 : len(m)-1]
			v, ok := vars[name]
			if !ok {
				missing[name] = true
				return m
			}
			return esc(v)
		})
	}
	raw := func(s string) string { return s }
	path, query, hasQuery := strings.Cut(w.GetUrl(), "?")
	u := sub(path, url.PathEscape)
	if hasQuery {
		u += "?" + sub(query, url.QueryEscape)
	}
	call := &connectorv1.RenderedCall{Method: w.GetMethod(), Url: u, MessageType: w.GetMessageType()}
	for _, kv := range w.GetQuery() {
		call.Query = append(call.Query, &connectorv1.KeyValue{Name: kv.GetName(), Value: sub(kv.GetValue(), raw)})
	}
	for _, kv := range w.GetHeaders() {
		call.Headers = append(call.Headers, &connectorv1.KeyValue{Name: kv.GetName(), Value: sub(kv.GetValue(), raw)})
	}
	bodyEsc := raw
	switch w.GetMessageType() {
	case connectorv1.MessageType_MESSAGE_TYPE_JSON:
		bodyEsc = jsonEscape
	case connectorv1.MessageType_MESSAGE_TYPE_FORM:
		bodyEsc = url.QueryEscape
	}
	if w.GetBody() != "" {
		call.Body = []byte(sub(w.GetBody(), bodyEsc))
	}
	var outs []*connectorv1.OutputSpec
	for _, o := range w.GetOutputs() {
		outs = append(outs, &connectorv1.OutputSpec{Name: o.GetName(), Path: sub(o.GetPath(), raw), Description: o.GetDescription()})
	}
	var miss []string
	for m := range missing {
		miss = append(miss, m)
	}
	sort.Strings(miss)
	return call, outs, miss
}

// jsonEscape escapes v for use inside a JSON string literal.
func jsonEscape(v string) string {
	b, _ := json.Marshal(v)
	return string(b[1 : len(b)-1])
}
