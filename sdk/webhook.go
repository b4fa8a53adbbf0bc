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
	Body        string
	Outputs     []Output
	// SuccessStatuses count as success beyond 2xx.
	SuccessStatuses []int
	// Idempotent means running it twice has the effect of once; the
	// executor then retries it after errors where the app may already have
	// acted, and the host's queue may replay it after a crash.
	Idempotent bool
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
	}
}
