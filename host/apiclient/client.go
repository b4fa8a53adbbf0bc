package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Doer sends one request; *http.Client and Handler implement it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client calls the host's REST API with a bearer token. Its zero value is
// not usable: set HTTP (and Base for a remote host).
type Client struct {
	// Base is the host's address without a trailing slash, e.g.
	// "http://127.0.0.1:8470"; empty for an in-process Handler.
	Base string
	// Token is the bearer token sent with every call.
	Token string
	// HTTP sends the requests: an *http.Client for a remote host, a
	// Handler in process.
	HTTP Doer
	// UserAgent, when set, names the caller in the host's logs.
	UserAgent string
	// WrapError, when set, is applied to every error a call returns, so a
	// caller turns them into its own kind once (the CLI maps them to exit
	// codes) instead of at every call.
	WrapError func(error) error
}

// New returns a client of the host at base with token, sending through
// doer.
func New(base, token string, doer Doer) *Client {
	return &Client{Base: base, Token: token, HTTP: doer}
}

// Option adjusts one call.
type Option func(*call)

// call is one request being prepared.
type call struct {
	query       url.Values
	body        io.Reader
	contentType string
}

// Query adds query parameters (filters, paging, flags such as
// ?confirm=true) to the call.
func Query(q url.Values) Option {
	return func(c *call) {
		if c.query == nil {
			c.query = url.Values{}
		}
		for k, vs := range q {
			c.query[k] = append(c.query[k], vs...)
		}
	}
}

// Body sends r as the request body with contentType, for routes whose
// body is not JSON (an .ext archive upload). It replaces the JSON body.
func Body(r io.Reader, contentType string) Option {
	return func(c *call) { c.body, c.contentType = r, contentType }
}

// Send sends one request to route with path arguments args and JSON body
// in (nil for none) and returns the successful response for the caller to
// read, e.g. a streamed answer; the caller closes its body. An error
// answer is returned as *Error.
func (c *Client) Send(ctx context.Context, route Route, args []string, in any, opts ...Option) (*http.Response, error) {
	resp, err := c.send(ctx, route.Method, route.Path(args...), in, opts)
	if err != nil {
		return nil, c.wrap(err)
	}
	return resp, nil
}

// SendPath is Send for a path already filled in (with its query, if any),
// for generic tools that offer whatever routes the host's table holds,
// such as the console's API explorer pages. Typed callers use Send.
func (c *Client) SendPath(ctx context.Context, method, path string, in any, opts ...Option) (*http.Response, error) {
	resp, err := c.send(ctx, method, path, in, opts)
	if err != nil {
		return nil, c.wrap(err)
	}
	return resp, nil
}

// Call sends one request like Send and decodes the JSON answer into out
// (nil discards it). The generated methods are built on it; callers use it
// only for a route the generated methods cannot type.
func (c *Client) Call(ctx context.Context, route Route, args []string, in, out any, opts ...Option) error {
	return c.wrap(c.do(ctx, route, args, in, out, opts))
}

func (c *Client) do(ctx context.Context, route Route, args []string, in, out any, opts []Option) error {
	resp, err := c.send(ctx, route.Method, route.Path(args...), in, opts)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: the host's answer is not the expected JSON: %w", route.Method, route.Pattern, err)
	}
	return nil
}

func (c *Client) send(ctx context.Context, method, path string, in any, opts []Option) (*http.Response, error) {
	var cl call
	for _, o := range opts {
		o(&cl)
	}
	body, contentType := cl.body, cl.contentType
	if body == nil && in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode the request to %s %s: %w", method, path, err)
		}
		body, contentType = bytes.NewReader(raw), "application/json"
	}
	target := c.Base + path
	if len(cl.query) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		target += sep + cl.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, fmt.Errorf("build the request to %s %s: %w", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		return nil, readError(resp)
	}
	return resp, nil
}

func (c *Client) wrap(err error) error {
	if err == nil || c.WrapError == nil {
		return err
	}
	return c.WrapError(err)
}
