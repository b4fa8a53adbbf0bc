package sdk

import (
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// MessageType is the encoding of a webhook body.
type MessageType = connectorv1.MessageType

// Message types, re-exported for declarations.
const (
	JSON = connectorv1.MessageType_MESSAGE_TYPE_JSON
	Form = connectorv1.MessageType_MESSAGE_TYPE_FORM
	XML  = connectorv1.MessageType_MESSAGE_TYPE_XML
	Text = connectorv1.MessageType_MESSAGE_TYPE_TEXT
)

// Webhook is an outbound webhook: a call that changes the app. URL, query,
// headers and body are templates: {Key} is filled from settings by the
// connector, %macro% by the host before Invoke.
type Webhook struct {
	ID          string
	Name        string
	Description string
	// Category groups webhooks in the admin's list, e.g. "users".
	Category    string
	Method      string
	URL         string
	Headers     []KV
	Query       []KV
	MessageType MessageType
	// ContentType replaces the Content-Type MessageType implies, for apps
	// that want their own media type, e.g. SCIM's "application/scim+json".
	ContentType string
	Body        string
	Outputs     []Output
	// SuccessStatuses count as success beyond 2xx.
	SuccessStatuses []int
	// Idempotent means running it twice has the effect of once; the
	// executor then retries it after errors where the app may already have
	// acted, and the host's queue may replay it after a crash.
	Idempotent bool
	// Verify, for a webhook that is not idempotent, names the lookup that
	// tells whether a call left in doubt (a crash, a timeout, a 5xx after
	// the request left) already took effect. The host then settles such a
	// call by looking before it resends, and templates get this
	// verification by default. Leave it nil only when nothing can tell;
	// templates must then send in-doubt calls to an admin.
	Verify *Verify
}

// Verify names the lookup webhook that verifies a non-idempotent one, e.g.
// "find-user-by-email" for "add-user".
type Verify struct {
	// Webhook is the id of the lookup, an idempotent webhook of the same
	// connector.
	Webhook string
	// Inputs map a lookup input to the verified call's input that feeds
	// it; a lookup input not listed takes the call's input of the same
	// name.
	Inputs map[string]string
	// Exists is a CEL condition over the lookup's outputs (lookup.<output>)
	// that holds when the call took effect; empty means the lookup
	// succeeding is enough, and its failing as not found means the call did
	// not take effect.
	Exists string
}

// Output names a value a webhook returns for later steps; see
// connectorv1.OutputSpec for the path syntax.
type Output struct {
	Name        string
	Path        string
	Description string
}

// proto converts the declaration for Describe.
func (w Webhook) proto() *connectorv1.WebhookSpec {
	outs := make([]*connectorv1.OutputSpec, len(w.Outputs))
	for i, o := range w.Outputs {
		outs[i] = &connectorv1.OutputSpec{Name: o.Name, Path: o.Path, Description: o.Description}
	}
	succ := make([]int32, len(w.SuccessStatuses))
	for i, s := range w.SuccessStatuses {
		succ[i] = int32(s)
	}
	mt := w.MessageType
	if mt == connectorv1.MessageType_MESSAGE_TYPE_UNSPECIFIED && w.Body != "" {
		mt = JSON
	}
	return &connectorv1.WebhookSpec{
		Id: w.ID, Name: w.Name, Description: w.Description, Method: w.Method, Url: w.URL,
		Headers: kvsProto(w.Headers), Query: kvsProto(w.Query), MessageType: mt, Body: w.Body,
		Outputs: outs, SuccessStatuses: succ, Category: w.Category, Idempotent: w.Idempotent,
		Verify: w.Verify.proto(),
	}
}

func (v *Verify) proto() *connectorv1.VerifySpec {
	if v == nil {
		return nil
	}
	return &connectorv1.VerifySpec{Webhook: v.Webhook, Inputs: v.Inputs, Exists: v.Exists}
}
