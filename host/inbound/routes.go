package inbound

import (
	"errors"
	"net/http"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/integrations"
)

// SaveAnswer is the answer of a test and save: the test, and the saved
// endpoint when the test passed.
type SaveAnswer struct {
	Test     *TestResult `json:"test"`
	Endpoint *Endpoint   `json:"endpoint,omitempty"`
}

// Routes implements api.RouteProvider: list and show endpoints, test a
// draft, test and save (add and edit), test a saved or preconfigured
// endpoint, remove.
func (s *Service) Routes() []api.Route {
	base := "/v1/integrations/{id}/inbound"
	return []api.Route{
		{Method: http.MethodGet, Pattern: base, MinRole: api.RoleAuditor,
			Summary: "List an integration's inbound endpoints, preconfigured and custom", Response: []Endpoint{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.List(c.Context(), c.PathValue("id"))
				return out, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: base + "/{endpoint}", MinRole: api.RoleAuditor,
			Summary: "Show an inbound endpoint with its fields", Response: Endpoint{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.Get(c.Context(), c.PathValue("id"), c.PathValue("endpoint"))
				return out, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: base + "/test", MinRole: api.RoleAdmin, Audit: true,
			Summary: "Test a draft custom endpoint (first page) without saving it", Request: Definition{}, Response: TestResult{},
			Handler: func(c *api.Call) (any, error) {
				var d Definition
				if err := c.Decode(&d); err != nil {
					return nil, err
				}
				out, err := s.Test(c.Context(), c.PathValue("id"), d)
				return out, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: base, MinRole: api.RoleAdmin,
			Summary: "Test a custom endpoint and add it when the test passes", Request: Definition{}, Response: SaveAnswer{}, Status: http.StatusCreated,
			Handler: func(c *api.Call) (any, error) {
				var d Definition
				if err := c.Decode(&d); err != nil {
					return nil, err
				}
				res, e, err := s.TestAndSave(c.Context(), c.PathValue("id"), d, false)
				if err != nil {
					return nil, apiError(err)
				}
				c.AuditChange(nil, e)
				return api.Created(SaveAnswer{Test: res, Endpoint: e}), nil
			}},
		{Method: http.MethodPut, Pattern: base + "/{endpoint}", MinRole: api.RoleAdmin,
			Summary: "Test a changed custom endpoint and save it when the test passes", Request: Definition{}, Response: SaveAnswer{},
			Handler: func(c *api.Call) (any, error) {
				var d Definition
				if err := c.Decode(&d); err != nil {
					return nil, err
				}
				if d.ID == "" {
					d.ID = c.PathValue("endpoint")
				}
				if d.ID != c.PathValue("endpoint") {
					return nil, api.BadRequest("the body's id %q differs from the endpoint %q in the path; ids cannot be changed, add a new endpoint instead", d.ID, c.PathValue("endpoint"))
				}
				before, _ := s.Get(c.Context(), c.PathValue("id"), d.ID)
				res, e, err := s.TestAndSave(c.Context(), c.PathValue("id"), d, true)
				if err != nil {
					return nil, apiError(err)
				}
				c.AuditChange(before, e)
				return SaveAnswer{Test: res, Endpoint: e}, nil
			}},
		{Method: http.MethodPost, Pattern: base + "/{endpoint}/test", MinRole: api.RoleOperator,
			Summary: "Test a saved or preconfigured endpoint (first page); ?save=true records the fields found", Response: TestResult{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				save := c.Query("save") == "true"
				if save && !c.Principal.Role.Allows(api.RoleAdmin) {
					return nil, &api.Error{Status: http.StatusForbidden, Code: "forbidden", Message: "saving the fields found needs an admin token; test without save=true"}
				}
				out, err := s.TestEndpoint(c.Context(), c.PathValue("id"), c.PathValue("endpoint"), save)
				return out, apiError(err)
			}},
		{Method: http.MethodDelete, Pattern: base + "/{endpoint}", MinRole: api.RoleAdmin,
			Summary: "Remove a custom inbound endpoint", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				before, _ := s.Get(c.Context(), c.PathValue("id"), c.PathValue("endpoint"))
				if err := s.Remove(c.Context(), c.PathValue("id"), c.PathValue("endpoint")); err != nil {
					return nil, apiError(err)
				}
				c.AuditChange(before, nil)
				return nil, nil
			}},
	}
}

// apiError maps the package's errors to API answers; others pass through
// to api.ErrorFor.
func apiError(err error) error {
	var inv *InvalidError
	var te *TestError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "test_failed", Message: err.Error(), Err: err}
	case errors.As(err, &inv):
		return &api.Error{Status: http.StatusBadRequest, Code: "invalid_endpoint", Message: err.Error(), Err: err,
			Fields: inv.Fields()}
	case errors.Is(err, ErrTestNotRecorded):
		return &api.Error{Status: http.StatusServiceUnavailable, Code: "test_not_recorded", Message: err.Error(), Err: err}
	case errors.Is(err, ErrNotTested):
		return &api.Error{Status: http.StatusConflict, Code: "not_tested", Message: err.Error(), Err: err}
	case errors.Is(err, ErrPreconfigured):
		return &api.Error{Status: http.StatusConflict, Code: "preconfigured", Message: err.Error(), Err: err}
	case errors.Is(err, ErrUnknownEndpoint):
		return &api.Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error(), Err: err}
	case errors.Is(err, integrations.ErrDisabled):
		return &api.Error{Status: http.StatusConflict, Code: "integration_disabled", Message: err.Error(), Err: err}
	case errors.Is(err, integrations.ErrConnectorUnavailable):
		return &api.Error{Status: http.StatusServiceUnavailable, Code: "connector_unavailable", Message: err.Error(), Err: err}
	}
	return err
}
