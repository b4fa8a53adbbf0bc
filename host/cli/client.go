package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/version"
)

// Client calls the host's REST API with the bearer token. It turns error
// answers into *APIError and transport failures into messages that say how
// to reach the host.
type Client struct {
	// Base is the host's address, e.g. http://127.0.0.1:8470.
	Base *url.URL
	// Token is the bearer token; it is sent only to Base.
	Token string
	// HTTP is the transport; NewClient sets one with a timeout, and
	// TrustCAFile gives it a private CA for an https:// host.
	HTTP *http.Client

	bars bars // progress for long transfers; off unless on a terminal
}

// NewClient checks addr and returns a client for it.
func NewClient(addr, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(addr, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("host address %q is not an http(s) URL such as http://127.0.0.1:8470 (set IDBRIDGE_ADDR or --addr)", addr)}
	}
	return &Client{Base: u, Token: token, HTTP: &http.Client{Timeout: 5 * time.Minute}}, nil
}

// APIError is an error answer from the host.
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Code is the host's stable error code, e.g. "not_found".
	Code string
	// Message is the host's explanation.
	Message string
}

// Error implements error, adding what to do for authentication failures.
func (e *APIError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return e.Message + " (set IDBRIDGE_TOKEN to a valid token; the first admin token is in the host's data folder, admin.token)"
	case http.StatusForbidden:
		return e.Message + " (ask an admin for a token with that role)"
	}
	return e.Message
}

// Get sends GET path and decodes the answer into out.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	return c.Do(ctx, http.MethodGet, path, nil, out)
}

// Post sends in as JSON with POST and decodes the answer into out.
func (c *Client) Post(ctx context.Context, path string, in, out any) error {
	return c.Do(ctx, http.MethodPost, path, in, out)
}

// Put sends in as JSON with PUT and decodes the answer into out.
func (c *Client) Put(ctx context.Context, path string, in, out any) error {
	return c.Do(ctx, http.MethodPut, path, in, out)
}

// Delete sends DELETE path.
func (c *Client) Delete(ctx context.Context, path string) error {
	return c.Do(ctx, http.MethodDelete, path, nil, nil)
}

// Do sends a JSON request (in may be nil) and decodes a JSON answer into
// out (which may be nil to discard it).
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	resp, err := c.Send(ctx, method, path, in)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: the host's answer is not the expected JSON: %w", method, path, err)
	}
	return nil
}

// Send sends the request and returns the successful response for the
// caller to read (for streamed or binary answers); the caller closes its
// body. An error answer is returned as *APIError.
func (c *Client) Send(ctx context.Context, method, path string, in any) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base.String()+path, body)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("build request: %w", err)}
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "idbridge-cli/"+version.Version)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, c.transportError(err)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		return nil, decodeAPIError(resp)
	}
	return resp, nil
}

func (c *Client) transportError(err error) error {
	if hint := tlsHint(err); hint != "" {
		return &ExitError{Code: ExitUnavailable, Err: fmt.Errorf("cannot reach the idbridge host at %s: %w (%s)", c.Base, err, hint)}
	}
	var op *net.OpError
	if errors.As(err, &op) || errors.Is(err, context.DeadlineExceeded) {
		return &ExitError{Code: ExitUnavailable, Err: fmt.Errorf(
			"cannot reach the idbridge host at %s: %w (is `idbridge serve` running? set IDBRIDGE_ADDR to its address)", c.Base, err)}
	}
	return fmt.Errorf("request to %s: %w", c.Base, err)
}

func decodeAPIError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &body) == nil && body.Error.Message != "" {
		return &APIError{Status: resp.StatusCode, Code: body.Error.Code, Message: body.Error.Message}
	}
	msg := strings.TrimSpace(string(raw))
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode == http.StatusBadRequest && strings.Contains(msg, "HTTP request to an HTTPS server") {
		return &APIError{Status: resp.StatusCode, Code: "http_400",
			Message: "the host serves HTTPS at this address: use an https:// IDBRIDGE_ADDR (and IDBRIDGE_CA_FILE for a private CA)"}
	}
	return &APIError{Status: resp.StatusCode, Code: "http_" + fmt.Sprint(resp.StatusCode),
		Message: fmt.Sprintf("the host answered %d: %s (is IDBRIDGE_ADDR pointing at an idbridge host?)", resp.StatusCode, msg)}
}
