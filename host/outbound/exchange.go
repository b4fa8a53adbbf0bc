package outbound

import (
	"fmt"

	"github.com/idbridge/idbridge/host/secrets"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// Header is one HTTP header as recorded.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Request is a request as sent, masked, for test results and run records.
type Request struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []Header `json:"headers,omitempty"`
	Body    string   `json:"body,omitempty"`
}

// Response is a response as received, masked.
type Response struct {
	Status  int      `json:"status"`
	Headers []Header `json:"headers,omitempty"`
	Body    string   `json:"body,omitempty"`
	// Attempts counts the connector's own retries of this call.
	Attempts int `json:"attempts,omitempty"`
	// DurationMS is the wall time of the call, retries included.
	DurationMS int64 `json:"durationMs,omitempty"`
}

// MaxRecordedBody bounds each body kept in test results and run records.
// Some apps answer a one-user change with the whole workspace; keeping that
// per action would make run records grow with the square of the workspace.
const MaxRecordedBody = 8 << 10

// AskedBodyBytes is what the host asks a connector to send of each body
// (InvokeRequest.max_body_bytes): what it keeps, and some more, so that a
// secret the host knows in a form the connector does not (JSON-escaped,
// base64) is still whole when the host masks it before cutting at
// MaxRecordedBody. Sending the whole answer cost the connector and the host
// a large share of their CPU for apps that answer with the whole workspace.
// See decision 0277.
const AskedBodyBytes = MaxRecordedBody + 4<<10

// maskBody masks b and keeps at most MaxRecordedBody bytes of it, never
// cutting a secret in two. full is the body's whole length when the
// connector sent only its first bytes (HTTPResponse.body_length), 0 when b
// is whole, so that "N bytes in all" counts what the app sent, not what
// crossed to the host.
func maskBody(b []byte, full int64, m *secrets.Masker) string {
	whole := full <= int64(len(b))
	if whole {
		full = int64(len(b))
	}
	if full <= MaxRecordedBody {
		return string(m.Bytes(b))
	}
	return fmt.Sprintf("%s…[%d bytes in all; truncated]", m.Cut(b, MaxRecordedBody, whole), full)
}

// Exchange converts what the connector reports to the recorded form,
// passing every string through the masker as well: the connector masks the
// secrets it knows, the host masks the ones it knows.
func Exchange(ex *connectorv1.Exchange, m *secrets.Masker) (*Request, *Response) {
	if ex == nil {
		return nil, nil
	}
	var req *Request
	if r := ex.GetRequest(); r != nil {
		req = &Request{Method: r.GetMethod(), URL: m.String(r.GetUrl()), Body: maskBody(r.GetBody(), r.GetBodyLength(), m)}
		for _, h := range r.GetHeaders() {
			req.Headers = append(req.Headers, Header{Name: h.GetName(), Value: m.String(h.GetValue())})
		}
	}
	var resp *Response
	if r := ex.GetResponse(); r != nil {
		resp = &Response{Status: int(r.GetStatus()), Body: maskBody(r.GetBody(), r.GetBodyLength(), m),
			Attempts: int(ex.GetAttempts()), DurationMS: ex.GetDurationMs()}
		for _, h := range r.GetHeaders() {
			resp.Headers = append(resp.Headers, Header{Name: h.GetName(), Value: m.String(h.GetValue())})
		}
	}
	return req, resp
}

// CallError is a failed call as the connector reported it: the app's
// error, its kind and whether a retry may help, with the exchange.
type CallError struct {
	App *connectorv1.AppError
	// Message is the one-line, masked description.
	Message string
}

// Error implements error.
func (e *CallError) Error() string { return e.Message }

// AsCallError reads the AppError a connector attached to a failed Invoke.
func AsCallError(err error, m *secrets.Masker) *CallError {
	ae := sdk.ErrorFromStatus(err)
	if ae == nil {
		return nil
	}
	return &CallError{App: ae, Message: m.String(sdk.FormatAppError(ae))}
}
