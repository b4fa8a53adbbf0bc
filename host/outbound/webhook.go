package outbound

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// KV is one header or query parameter; Value is a macro template.
type KV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Output names a value the call returns for later steps; Path is a dotted
// path into the response body and may hold macros (e.g. a list selector
// [email=%email%]).
type Output struct {
	Name        string `json:"name"`
	Path        string `json:"path"`
	Description string `json:"description,omitempty"`
}

// Message types of a webhook body. They match the macro package's escaping
// contexts, so a body is escaped the way its type demands.
const (
	MessageJSON = "json"
	MessageForm = "form"
	MessageXML  = "xml"
	MessageText = "text"
)

// Webhook is an outbound call, preconfigured by the connector or written by
// an admin. Every string field except ID, Integration and the descriptive
// ones is a macro template.
type Webhook struct {
	// ID is unique within the integration; preconfigured ids come from the
	// connector and stay stable across its releases.
	ID string `json:"id"`
	// Integration is the integration whose connector runs the call, and so
	// applies its base URL, authorization and rate limit.
	Integration string `json:"integration"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category,omitempty"`
	Method      string `json:"method"`
	// URL is relative to the integration's base URL (or absolute for a
	// custom webhook that the connector allows); {Key} placeholders are
	// filled by the connector from settings.
	URL         string   `json:"url"`
	Headers     []KV     `json:"headers,omitempty"`
	Query       []KV     `json:"query,omitempty"`
	MessageType string   `json:"messageType,omitempty"`
	Body        string   `json:"body,omitempty"`
	Outputs     []Output `json:"outputs,omitempty"`
	// SuccessStatuses are HTTP statuses that count as success beyond 2xx.
	SuccessStatuses []int `json:"successStatuses,omitempty"`
	// Idempotent says that sending the call twice has the effect of once;
	// the executor may then resend it when a crash left it in doubt.
	Idempotent bool `json:"idempotent,omitempty"`
	// Verify, for a webhook that is not idempotent, names the lookup that
	// tells whether a call left in doubt already took effect; template
	// steps get it by default. See decision 0170.
	Verify *Verify `json:"verify,omitempty"`
	// Preconfigured is true for the connector's own webhooks, which cannot
	// be edited or deleted.
	Preconfigured bool `json:"preconfigured,omitempty"`
	// Updated is when a custom webhook was last saved.
	Updated time.Time `json:"updated,omitzero"`
}

var webhookID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// validate checks the fields that need no macro scope.
func (w *Webhook) validate() error {
	var problems []Problem
	bad := func(field, label, format string, args ...any) {
		problems = append(problems, Problem{Field: field, Label: label, Message: fmt.Sprintf(format, args...)})
	}
	if !webhookID.MatchString(w.ID) {
		bad("id", "ID", "%q must be 1-64 lower-case letters, digits, '.', '_' or '-'", w.ID)
	}
	if w.Integration == "" {
		bad("integration", "Integration", "required")
	}
	if strings.TrimSpace(w.Name) == "" {
		bad("name", "Name", "required")
	}
	switch strings.ToUpper(w.Method) {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		bad("method", "Method", "%q must be GET, POST, PUT, PATCH or DELETE", w.Method)
	}
	if strings.TrimSpace(w.URL) == "" {
		bad("url", "URL", "required")
	}
	switch strings.ToLower(w.MessageType) {
	case "", MessageJSON, MessageForm, MessageXML, MessageText:
	default:
		bad("messageType", "Message type", "%q must be json, form, xml or text", w.MessageType)
	}
	if w.Body != "" && strings.EqualFold(w.Method, http.MethodGet) {
		bad("body", "Body", "a GET call cannot have a body; use query parameters")
	}
	if w.Verify != nil {
		switch {
		case w.Idempotent:
			bad("verify", "Verify", "an idempotent webhook needs no verify; remove one of them")
		case w.Verify.Webhook == "" || w.Verify.Webhook == w.ID:
			bad("verify", "Verify", "needs the id of another webhook of the integration, a lookup such as find-user-by-email")
		}
	}
	seen := map[string]bool{}
	for i, o := range w.Outputs {
		field := fmt.Sprintf("outputs[%d].name", i)
		if o.Name == "" {
			bad(field, fmt.Sprintf("Output %d", i+1), "a name is required")
		} else if seen[o.Name] {
			bad(field, "Output "+o.Name, "declared twice")
		}
		seen[o.Name] = true
	}
	if len(problems) > 0 {
		return &InvalidError{Webhook: w.ID, Problems: problems}
	}
	return nil
}

// messageType returns the proto message type of the body.
func (w *Webhook) messageType() connectorv1.MessageType {
	switch strings.ToLower(w.MessageType) {
	case MessageForm:
		return connectorv1.MessageType_MESSAGE_TYPE_FORM
	case MessageXML:
		return connectorv1.MessageType_MESSAGE_TYPE_XML
	case MessageText:
		return connectorv1.MessageType_MESSAGE_TYPE_TEXT
	case MessageJSON:
		return connectorv1.MessageType_MESSAGE_TYPE_JSON
	}
	if w.Body == "" {
		return connectorv1.MessageType_MESSAGE_TYPE_UNSPECIFIED
	}
	return connectorv1.MessageType_MESSAGE_TYPE_JSON
}

// Verify names the lookup webhook (of the same integration) that verifies a
// non-idempotent webhook.
type Verify struct {
	// Webhook is the lookup's id.
	Webhook string `json:"webhook"`
	// Inputs map a lookup input to the verified call's input that feeds
	// it; unlisted lookup inputs take the call's input of the same name.
	Inputs map[string]string `json:"inputs,omitempty"`
	// Exists is a CEL condition over lookup.<output>; empty means the
	// lookup succeeding is enough.
	Exists string `json:"exists,omitempty"`
}

// FromSpec converts a connector's preconfigured webhook.
func FromSpec(integration string, s *connectorv1.WebhookSpec) Webhook {
	w := Webhook{
		ID: s.GetId(), Integration: integration, Name: s.GetName(), Description: s.GetDescription(),
		Category: s.GetCategory(), Method: s.GetMethod(), URL: s.GetUrl(), Body: s.GetBody(),
		Idempotent: s.GetIdempotent(), Preconfigured: true,
	}
	if v := s.GetVerify(); v.GetWebhook() != "" {
		w.Verify = &Verify{Webhook: v.GetWebhook(), Inputs: v.GetInputs(), Exists: v.GetExists()}
	}
	for _, kv := range s.GetHeaders() {
		w.Headers = append(w.Headers, KV{Name: kv.GetName(), Value: kv.GetValue()})
	}
	for _, kv := range s.GetQuery() {
		w.Query = append(w.Query, KV{Name: kv.GetName(), Value: kv.GetValue()})
	}
	for _, o := range s.GetOutputs() {
		w.Outputs = append(w.Outputs, Output{Name: o.GetName(), Path: o.GetPath(), Description: o.GetDescription()})
	}
	for _, st := range s.GetSuccessStatuses() {
		w.SuccessStatuses = append(w.SuccessStatuses, int(st))
	}
	switch s.GetMessageType() {
	case connectorv1.MessageType_MESSAGE_TYPE_FORM:
		w.MessageType = MessageForm
	case connectorv1.MessageType_MESSAGE_TYPE_XML:
		w.MessageType = MessageXML
	case connectorv1.MessageType_MESSAGE_TYPE_TEXT:
		w.MessageType = MessageText
	case connectorv1.MessageType_MESSAGE_TYPE_JSON:
		w.MessageType = MessageJSON
	}
	return w
}
