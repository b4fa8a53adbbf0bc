package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"
)

// MaxBodyBytes bounds request bodies read by Call.Decode; configuration
// documents are small, and a bound stops a client from exhausting memory.
const MaxBodyBytes = 4 << 20

// Call is one authenticated request as a handler sees it.
type Call struct {
	// Request is the HTTP request; prefer the helpers below.
	Request *http.Request
	// Principal is who is calling.
	Principal Principal
	// Route is the route being served.
	Route Route

	writer        http.ResponseWriter
	before, after any
	body          []byte // the decoded body, kept for the audit entry
}

// Context is the request's context, canceled when the client goes away or
// the server shuts down.
func (c *Call) Context() context.Context { return c.Request.Context() }

// PathValue returns a wildcard of the route pattern, e.g. "id" in
// "/v1/extensions/{id}".
func (c *Call) PathValue(name string) string { return c.Request.PathValue(name) }

// Query returns a query parameter, or "" when absent.
func (c *Call) Query(name string) string { return c.Request.URL.Query().Get(name) }

// Decode reads the JSON body into v. Unknown fields, trailing data,
// bodies over MaxBodyBytes, invalid UTF-8, strings over their limits or
// with forbidden characters (see MaxNameLen), and an "id" that differs
// from the one in the path are refused with a 400 that names the field as
// the API documents it, so a typo in a field name is not silently ignored.
func (c *Call) Decode(v any) error {
	if c.Request.Body == nil {
		return BadRequest("a JSON body is required")
	}
	body := http.MaxBytesReader(c.writer, c.Request.Body, MaxBodyBytes)
	raw, err := io.ReadAll(body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes)}
	}
	if err != nil {
		return BadRequest("the request body could not be read: %v", err)
	}
	if c.Route.audited() {
		c.body = raw
	}
	if !utf8.Valid(raw) {
		// The decoder would replace the bad bytes and store a value the
		// caller never sent. See decision 0196.
		at := 0
		for at < len(raw) {
			r, n := utf8.DecodeRune(raw[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return BadRequest("the request body is not valid UTF-8 (at byte %d); send text encoded as UTF-8", at)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return BadRequest("a JSON body is required")
		}
		return decodeError(err, raw)
	}
	if dec.More() {
		return BadRequest("the request body has data after the JSON value")
	}
	if err := checkStrings(v); err != nil {
		return err
	}
	if err := c.checkBodyID(v); err != nil {
		return err
	}
	return nil
}

// ResponseController controls the call's connection, e.g. a read
// deadline for a route that streams a large request body (an uploaded
// archive) and must not wait forever for a client that stopped sending.
func (c *Call) ResponseController() *http.ResponseController {
	return http.NewResponseController(c.writer)
}

// AuditChange attaches the object before and after the change to the audit
// entry of this call. Values must not hold secrets; mask them first.
func (c *Call) AuditChange(before, after any) { c.before, c.after = before, after }
