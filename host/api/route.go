package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Handler serves one route. It returns the value to send as JSON (nil for
// 204 No Content, a *Response to choose the status, or an http.Handler to
// write the answer itself) or an error mapped by ErrorFor.
type Handler func(*Call) (any, error)

// Route is one API operation. Domain services return their routes from a
// Routes method; the application mounts them, so this package never
// imports a domain package.
type Route struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Pattern is a net/http path pattern under /v1/, e.g.
	// "/v1/extensions/{id}".
	Pattern string
	// MinRole is the lowest role allowed to call the route; it must be set.
	MinRole Role
	// Summary is one line for the OpenAPI document and the CLI's help.
	Summary string
	// Handler does the work.
	Handler Handler
	// Audit records calls that RoleAdmin routes would not: by default only
	// admin routes whose method changes things are audited.
	Audit bool
	// Request and Response, when set, are example values (usually zero
	// values of the Go types) from which the OpenAPI schemas are derived.
	Request, Response any
	// Status is the status a successful call answers, e.g.
	// http.StatusCreated for a route that creates something. Zero means
	// 200 OK for a route with a Response and 204 No Content for one
	// without. The server answers plain values with it and the OpenAPI
	// document lists it, so clients learn the status they will get.
	Status int
	// Errors are the error statuses the handler itself answers, e.g.
	// http.StatusNotFound and http.StatusConflict, listed in the OpenAPI
	// document beside those the server answers for every route (see
	// Route.ErrorStatuses).
	Errors []int
	// BodyTimeout, when set, is how long the client has to send the
	// request body, replacing the server's read timeout: for uploads of
	// archives, which may be large and slow. Leave it zero for JSON
	// bodies, so a client trickling one is cut off (decision 0191).
	BodyTimeout time.Duration
}

// SuccessStatus is the status a successful call answers: Status when
// declared, else 200 for a route with a Response and 204 for one without.
// The OpenAPI document and the server both take it from here.
func (r Route) SuccessStatus() int {
	switch {
	case r.Status != 0:
		return r.Status
	case r.Response != nil:
		return http.StatusOK
	}
	return http.StatusNoContent
}

// ErrorStatuses lists, sorted, the error statuses a call can answer: 401
// for every route (the token is checked first), 403 when some role is
// refused, 400 and 413 when the route decodes a Request body, and the
// route's own Errors.
func (r Route) ErrorStatuses() []int {
	out := append([]int{http.StatusUnauthorized}, r.Errors...)
	if r.MinRole > RoleAuditor {
		out = append(out, http.StatusForbidden)
	}
	if r.Request != nil {
		out = append(out, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RouteProvider is what a domain service implements to be mounted.
type RouteProvider interface {
	Routes() []Route
}

// audited reports whether calls to r go to the Auditor.
func (r Route) audited() bool {
	return r.Audit || (r.MinRole >= RoleAdmin && changes(r.Method))
}

// changes reports whether method is one that modifies state.
func changes(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func (r Route) validate() error {
	switch {
	case r.Method == "" || strings.ToUpper(r.Method) != r.Method || strings.ContainsAny(r.Method, " /"):
		return fmt.Errorf("route %q: Method must be an upper-case HTTP method", r.Pattern)
	case !strings.HasPrefix(r.Pattern, "/v1/"):
		return fmt.Errorf("route %s %q: Pattern must start with /v1/", r.Method, r.Pattern)
	case r.MinRole < RoleAuditor || r.MinRole > RoleAdmin:
		return fmt.Errorf("route %s %s: MinRole must be RoleAuditor, RoleOperator or RoleAdmin", r.Method, r.Pattern)
	case r.Handler == nil:
		return fmt.Errorf("route %s %s: Handler is nil", r.Method, r.Pattern)
	case r.Status != 0 && (r.Status < 200 || r.Status > 299):
		return fmt.Errorf("route %s %s: Status %d is not a success status; use 2xx (error statuses go in Errors)", r.Method, r.Pattern, r.Status)
	}
	for _, code := range r.Errors {
		if code < 400 || code > 599 {
			return fmt.Errorf("route %s %s: Errors holds %d; list only 4xx and 5xx statuses there", r.Method, r.Pattern, code)
		}
	}
	return nil
}

// Response lets a handler choose the status code of a success answer for
// one call. Prefer declaring Route.Status: a status chosen here that the
// route does not declare is logged as an error, because the OpenAPI
// document does not tell clients about it.
type Response struct {
	// Status is the HTTP status, e.g. http.StatusCreated.
	Status int
	// Body is sent as JSON; nil sends no body.
	Body any
}

// Created wraps v in a 201 Created answer. The route declares
// Status: http.StatusCreated as well, or the document would promise 200.
func Created(v any) *Response { return &Response{Status: http.StatusCreated, Body: v} }
