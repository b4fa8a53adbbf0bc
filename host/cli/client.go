package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/version"
)

// Client calls the host's REST API with the bearer token through the
// typed client generated from the route table (decision 0265), so every
// command names a route's method, not a path. Error answers become
// *APIError and transport failures messages that say how to reach the
// host, so exit codes follow them.
//
// The host's address and the HTTP client are the embedded client's own
// (Base, HTTP): the CLI adds only what it does with them, so there is one
// address to send to and to name in errors.
type Client struct {
	*apiclient.Client

	bars bars // progress for long transfers; off unless on a terminal
}

// requestTimeout bounds one call, including a streamed plan or apply.
const requestTimeout = 5 * time.Minute

// NewClient checks addr and returns a client for it. caFile, when not
// empty, is the PEM of the private CA that signed an https:// host's
// certificate (IDBRIDGE_CA_FILE); see caTransport.
func NewClient(addr, token, caFile string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(addr, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("host address %q is not an http(s) URL such as http://127.0.0.1:8470 (set IDBRIDGE_ADDR or --addr)", addr)}
	}
	tr, err := caTransport(caFile)
	if err != nil {
		return nil, err
	}
	c := &Client{Client: apiclient.New(u.String(), token, &http.Client{Timeout: requestTimeout, Transport: tr})}
	c.UserAgent = "idbridge-cli/" + version.Version
	c.WrapError = c.cliError
	return c, nil
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

// cliError turns the typed client's errors into the CLI's: an error
// answer into *APIError (with what to do when the answer is not the
// API's), a failure to reach the host into an ExitError that says how.
func (c *Client) cliError(err error) error {
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		return apiError(ae)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return c.transportError(err)
	}
	return err
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

// apiError is the CLI's view of an error answer.
func apiError(e *apiclient.Error) error {
	if e.FromAPI() {
		return &APIError{Status: e.Status, Code: e.Code, Message: e.Message}
	}
	if e.Status == http.StatusBadRequest && strings.Contains(e.Message, "HTTP request to an HTTPS server") {
		return &APIError{Status: e.Status, Code: "http_400",
			Message: "the host serves HTTPS at this address: use an https:// IDBRIDGE_ADDR (and IDBRIDGE_CA_FILE for a private CA)"}
	}
	return &APIError{Status: e.Status, Code: "http_" + fmt.Sprint(e.Status),
		Message: fmt.Sprintf("the host answered %d: %s (is IDBRIDGE_ADDR pointing at an idbridge host?)", e.Status, e.Message)}
}
