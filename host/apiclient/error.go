package apiclient

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 1 << 20

// Error is an error answer of the host: its status and, when the body is
// the API's error document, its stable code, message and per-field
// problems.
type Error struct {
	// Method and Path are the request that was refused, e.g. "POST" and
	// "/v1/integrations/clockify/enable", for messages that say which
	// call failed.
	Method, Path string
	// Status is the HTTP status, e.g. 404.
	Status int
	// Code is the API's stable error code, e.g. "not_found"; empty when
	// the answer was not the API's error document (a proxy's page, say).
	Code string
	// Message is the API's explanation, or the body's text when the answer
	// was not the API's error document, or the status text when it was
	// empty.
	Message string
	// Fields are the API's problems with single input fields, for forms
	// that show each beside its input.
	Fields []api.FieldError
	// Body is the answer's body as sent (at most 1 MiB), for tools that
	// show it whole.
	Body []byte
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// FromAPI reports whether the answer was the API's own error document,
// rather than something else speaking at the host's address.
func (e *Error) FromAPI() bool { return e.Code != "" }

// readError turns an error answer into *Error.
func readError(resp *http.Response) *Error {
	if resp.Request == nil { // a Doer that does not set it
		resp.Request = &http.Request{URL: &url.URL{}}
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var doc struct {
		Error struct {
			Code    string           `json:"code"`
			Message string           `json:"message"`
			Fields  []api.FieldError `json:"fields"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &doc) == nil && doc.Error.Message != "" {
		return &Error{Method: resp.Request.Method, Path: resp.Request.URL.Path, Status: resp.StatusCode, Code: doc.Error.Code, Message: doc.Error.Message, Fields: doc.Error.Fields, Body: raw}
	}
	msg := strings.TrimSpace(string(raw))
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return &Error{Method: resp.Request.Method, Path: resp.Request.URL.Path, Status: resp.StatusCode, Message: msg, Body: raw}
}
