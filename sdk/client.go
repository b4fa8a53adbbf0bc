package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/idbridge/idbridge/sdk/httpexec"
)

// Client calls the app from a hook with the connector's base URL, auth,
// rate limit and retries; hooks never build HTTP requests themselves.
type Client struct {
	e *env
}

// Settings are the integration's settings, defaults applied.
func (c *Client) Settings() Settings { return c.e.settings }

// Response is an app's successful answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("the app's answer is not the JSON expected: %w", err)
	}
	return nil
}

// Get sends GET url (relative to the base URL, {Key} filled from settings).
func (c *Client) Get(ctx context.Context, url string, query ...KV) (*Response, error) {
	return c.Do(ctx, http.MethodGet, url, nil, query...)
}

// Do sends a call; a non-nil body is encoded as JSON. Failures are
// *httpexec.Error values; HTTPStatus and AppMessage read them.
func (c *Client) Do(ctx context.Context, method, url string, body any, query ...KV) (*Response, error) {
	cl := call{method: method, url: url, query: query}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding the request body: %w", err)
		}
		cl.body, cl.contentType = b, "application/json"
	}
	resp, err := c.e.do(ctx, cl, nil)
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.Status, Header: resp.Header, Body: resp.Body}, nil
}

// HTTPStatus is the app's HTTP status in err, or 0 when the call got no
// answer (or err is not a call error).
func HTTPStatus(err error) int {
	var herr *httpexec.Error
	if errors.As(err, &herr) {
		return herr.Status
	}
	return 0
}

// AppMessage is what the app said in err, as read by the error decoder,
// with secrets masked; it falls back to err's text.
func (c *Client) AppMessage(err error) string {
	var herr *httpexec.Error
	if errors.As(err, &herr) && herr.AppMessage != "" {
		return c.e.mask.str(herr.AppMessage)
	}
	return c.e.mask.str(err.Error())
}
