package outbound

import (
	"errors"
	"net/http"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/macro"
)

// Routes are the webhook operations of the API: list, show, save, delete,
// test (and save), and the macro chooser of an integration.
func (s *Service) Routes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Pattern: "/v1/integrations/{integration}/webhooks", MinRole: api.RoleAuditor,
			Summary: "List the integration's preconfigured and custom outbound webhooks", Response: []Webhook{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.List(c.Context(), c.PathValue("integration"))
				return out, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/integrations/{integration}/webhooks/{id}", MinRole: api.RoleAuditor,
			Summary: "Show one outbound webhook", Response: Webhook{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				w, err := s.Get(c.Context(), c.PathValue("integration"), c.PathValue("id"))
				return w, apiError(err)
			}},
		{Method: http.MethodPut, Pattern: "/v1/integrations/{integration}/webhooks/{id}", MinRole: api.RoleAdmin,
			Summary: "Save a custom outbound webhook (checked, not run; prefer test and save)", Request: Webhook{}, Response: Webhook{},
			Handler: func(c *api.Call) (any, error) {
				var w Webhook
				if err := c.Decode(&w); err != nil {
					return nil, err
				}
				w.Integration, w.ID = c.PathValue("integration"), c.PathValue("id")
				saved, err := s.Save(c.Context(), w)
				return saved, apiError(err)
			}},
		{Method: http.MethodDelete, Pattern: "/v1/integrations/{integration}/webhooks/{id}", MinRole: api.RoleAdmin,
			Summary: "Delete a custom outbound webhook", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				return nil, apiError(s.Delete(c.Context(), c.PathValue("integration"), c.PathValue("id")))
			}},
		{Method: http.MethodPost, Pattern: "/v1/integrations/{integration}/webhooks/test", MinRole: api.RoleAdmin,
			Summary: "Run a webhook for real for chosen AD users or groups, show each request and response (masked), and save it when asked and every call succeeded",
			Request: TestRequest{}, Response: TestResult{}, Audit: true,
			Handler: func(c *api.Call) (any, error) {
				var req TestRequest
				if err := c.Decode(&req); err != nil {
					return nil, err
				}
				req.Webhook.Integration = c.PathValue("integration")
				res, err := s.Test(c.Context(), req)
				return res, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/integrations/{integration}/macros", MinRole: api.RoleAuditor,
			Summary: "List the macros a webhook of the integration may use (the macro chooser)", Response: []macro.MacroInfo{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				scope, err := s.Scope(c.Context(), c.PathValue("integration"))
				if err != nil {
					return nil, apiError(err)
				}
				return macro.Available(scope), nil
			}},
	}
}

// apiError maps the package's errors to API answers.
func apiError(err error) error {
	var inv *InvalidError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv):
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_webhook", Message: err.Error(), Err: err,
			Fields: inv.Fields()}
	case errors.Is(err, ErrInput), errors.Is(err, ErrNoObjects):
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_webhook", Message: err.Error(), Err: err}
	case errors.Is(err, ErrPreconfigured):
		return &api.Error{Status: http.StatusConflict, Code: "preconfigured", Message: err.Error(), Err: err}
	case errorsIsNotFound(err):
		return &api.Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error(), Err: err}
	}
	return err
}
