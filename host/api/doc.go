// Package api is the host's REST API: an HTTP server on net/http with bearer
// token authentication, three roles, JSON errors, an audit hook and an
// OpenAPI document generated from the route table.
//
// The package knows nothing about the domain. Each domain service exposes
//
//	func (s *Service) Routes() []api.Route
//
// and the application registers those routes with Server.Mount. A handler
// is a plain function from a *Call to a value that is sent as JSON:
//
//	api.Route{
//		Method:  "GET",
//		Pattern: "/v1/extensions/{id}",
//		MinRole: api.RoleAuditor,
//		Summary: "Show one installed extension",
//		Handler: func(c *api.Call) (any, error) {
//			return s.Get(c.Context(), c.PathValue("id"))
//		},
//	}
//
// A route declares the status it answers on success when that is not 200
// (Status: http.StatusCreated for a route that creates; a route without a
// Response answers 204), and the error statuses its handler answers itself
// (Errors: []int{http.StatusNotFound}). The OpenAPI document lists exactly
// those, plus 401, 403 and 400/413 where the server itself answers them.
//
// Errors are mapped to statuses in one place (see ErrorFor): an *Error keeps
// its own status, store.ErrNotFound becomes 404 and store.ErrConflict 409;
// anything else is a 500 whose detail stays in the host log.
package api
