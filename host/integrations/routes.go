package integrations

import (
	"context"
	"errors"
	"net/http"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/marketplace/ext"
)

// Routes implements api.RouteProvider: list, show, create, change settings
// and authorization, enable, disable, test and delete. Answers are Views,
// so secret values never leave the host; the audit log gets views too.
func (s *Service) Routes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Pattern: "/v1/integrations", MinRole: api.RoleAuditor,
			Summary: "List integrations", Response: []View{},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.List(c.Context())
				return out, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/integrations/{id}", MinRole: api.RoleAuditor,
			Summary: "Show one integration; secret settings show only whether they are set", Response: View{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.Get(c.Context(), c.PathValue("id"))
				return out, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/integrations/{id}/schema", MinRole: api.RoleAuditor,
			Summary: "Show the settings the integration's connector declares", Response: []SettingInfo{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.Schema(c.Context(), c.PathValue("id"))
				return out, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/integrations", MinRole: api.RoleAdmin,
			Summary: "Create a disabled integration of an installed extension", Request: CreateRequest{}, Response: View{}, Status: http.StatusCreated,
			Handler: api.CreateHandler(s.Create, apiError)},
		{Method: http.MethodPatch, Pattern: "/v1/integrations/{id}/settings", MinRole: api.RoleAdmin,
			Summary: "Change plain settings (an empty value removes one), then test the connection; a failed test disables an enabled integration", Request: map[string]string{}, Response: View{}, Errors: []int{http.StatusNotFound},
			Handler: s.patchHandler(s.UpdateSettings)},
		{Method: http.MethodPatch, Pattern: "/v1/integrations/{id}/authorization", MinRole: api.RoleAdmin,
			Summary: "Change secret settings (e.g. the API key), sealed and never shown again, then test the connection; a failed test disables an enabled integration", Request: map[string]string{}, Response: View{}, Errors: []int{http.StatusNotFound},
			Handler: s.patchHandler(s.SetAuthorization)},
		{Method: http.MethodPost, Pattern: "/v1/integrations/{id}/enable", MinRole: api.RoleAdmin,
			Summary: "Start the connector, describe it, test the connection and enable the integration", Response: View{}, Errors: []int{http.StatusNotFound},
			Handler: s.changeHandler(s.Enable)},
		{Method: http.MethodPost, Pattern: "/v1/integrations/{id}/disable", MinRole: api.RoleAdmin,
			Summary: "Stop the connector and pause what uses the integration; its configuration is kept", Response: View{}, Errors: []int{http.StatusNotFound},
			Handler: s.changeHandler(s.Disable)},
		{Method: http.MethodPost, Pattern: "/v1/integrations/{id}/test", MinRole: api.RoleOperator,
			Summary: "Test the connection with the saved settings", Response: TestResult{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				r, err := s.Test(c.Context(), c.PathValue("id"))
				return r, apiError(err)
			}},
		{Method: http.MethodDelete, Pattern: "/v1/integrations/{id}", MinRole: api.RoleAdmin,
			Summary: "Delete a disabled integration and its configuration", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				before, err := s.Get(c.Context(), c.PathValue("id"))
				if err != nil {
					return nil, err
				}
				if err := s.Delete(c.Context(), c.PathValue("id")); err != nil {
					return nil, apiError(err)
				}
				c.AuditChange(before, nil)
				return nil, nil
			}},
	}
}

// patchHandler serves a settings or authorization patch.
func (s *Service) patchHandler(apply func(ctx context.Context, id string, patch map[string]string) (*View, error)) api.Handler {
	return func(c *api.Call) (any, error) {
		var patch map[string]string
		if err := c.Decode(&patch); err != nil {
			return nil, err
		}
		return s.auditedChange(c, func(ctx context.Context, id string) (*View, error) { return apply(ctx, id, patch) })
	}
}

// changeHandler serves enable and disable.
func (s *Service) changeHandler(apply func(ctx context.Context, id string) (*View, error)) api.Handler {
	return func(c *api.Call) (any, error) { return s.auditedChange(c, apply) }
}

// auditedChange applies a change to the integration in the path and audits
// its views before and after. A change that was saved although what uses
// the integration failed to follow (a disable that could not pause an
// automation) is audited and answered with that error: say so.
func (s *Service) auditedChange(c *api.Call, apply func(ctx context.Context, id string) (*View, error)) (any, error) {
	before, err := s.Get(c.Context(), c.PathValue("id"))
	if err != nil {
		return nil, err
	}
	after, err := apply(c.Context(), c.PathValue("id"))
	if err != nil && after == nil {
		return nil, apiError(err)
	}
	c.AuditChange(before, after)
	return after, apiError(err)
}

// apiError maps this package's errors to API errors with the right status;
// others pass through to api.ErrorFor.
func apiError(err error) error {
	var ve *ValidationError
	var tf *TestFailedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve):
		fields := make([]api.FieldError, len(ve.Problems))
		for i, p := range ve.Problems {
			fields[i] = api.FieldError{Field: p.Key, Message: p.Message}
		}
		return &api.Error{Status: http.StatusBadRequest, Code: "invalid_settings", Message: ve.Error(), Fields: fields, Err: err}
	case errors.As(err, &tf):
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "test_failed", Message: tf.Error(), Err: err}
	case errors.Is(err, ErrDisabled):
		return &api.Error{Status: http.StatusConflict, Code: "disabled", Message: err.Error(), Err: err}
	case errors.Is(err, extensions.ErrNotInstalled):
		return &api.Error{Status: http.StatusNotFound, Code: "extension_not_installed", Message: err.Error(), Err: err}
	case errors.Is(err, ext.ErrConnectorMismatch):
		return &api.Error{Status: http.StatusConflict, Code: "connector_mismatch", Message: err.Error(), Err: err}
	case errors.Is(err, ErrUnknownSchema), errors.Is(err, ErrConnectorUnavailable):
		return &api.Error{Status: http.StatusBadGateway, Code: "connector_unavailable", Message: err.Error(), Err: err}
	case errors.Is(err, secrets.ErrWrongKey), errors.Is(err, secrets.ErrTampered):
		return &api.Error{Status: http.StatusConflict, Code: "authorization_unreadable", Message: err.Error(), Err: err}
	}
	return err
}
