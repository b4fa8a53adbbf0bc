package automation

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
)

// Routes implements api.RouteProvider: list, show, create, replace,
// enable, disable, delete and apply now.
func (s *Service) Routes() []api.Route {
	byID := func(c *api.Call) string { return c.PathValue("id") }
	return []api.Route{
		{Method: http.MethodGet, Pattern: "/v1/automations", MinRole: api.RoleAuditor,
			Summary: "List automations", Response: []Automation{},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.List(c.Context())
				return out, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/automations/{id}", MinRole: api.RoleAuditor,
			Summary: "Show one automation", Response: Automation{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.Get(c.Context(), byID(c))
				return out, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/automations", MinRole: api.RoleAdmin,
			Summary: "Create an automation: trigger, scope and what runs; checked before it is saved", Request: Automation{}, Response: Automation{}, Status: http.StatusCreated,
			Handler: api.CreateHandler(s.Create, apiError)},
		{Method: http.MethodPut, Pattern: "/v1/automations/{id}", MinRole: api.RoleAdmin,
			Summary: "Replace an automation's configuration", Request: Automation{}, Response: Automation{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				var a Automation
				if err := c.Decode(&a); err != nil {
					return nil, err
				}
				before, err := s.Get(c.Context(), byID(c))
				if err != nil {
					return nil, apiError(err)
				}
				out, err := s.Update(c.Context(), byID(c), a)
				if err != nil {
					return nil, apiError(err)
				}
				c.AuditChange(before, out)
				return out, nil
			}},
		{Method: http.MethodPost, Pattern: "/v1/automations/{id}/enable", MinRole: api.RoleAdmin,
			Summary: "Enable an automation; its scope is learnt afresh", Response: Automation{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.SetEnabled(c.Context(), byID(c), true)
				return out, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/automations/{id}/disable", MinRole: api.RoleAdmin,
			Summary: "Disable an automation; its configuration is kept", Response: Automation{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := s.SetEnabled(c.Context(), byID(c), false)
				return out, apiError(err)
			}},
		{Method: http.MethodDelete, Pattern: "/v1/automations/{id}", MinRole: api.RoleAdmin,
			Summary: "Delete an automation and the runs held for it", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				return nil, apiError(s.Delete(c.Context(), byID(c)))
			}},
		{Method: http.MethodGet, Pattern: "/v1/schedules/next", MinRole: api.RoleAuditor,
			Summary:  "The next times a cron schedule runs, in the host's schedule time zone (?schedule=0 6 * * 1-5, ?count= up to 10)",
			Response: ScheduleTimes{}, Errors: []int{http.StatusBadRequest},
			Handler: s.scheduleTimes},
		{Method: http.MethodPost, Pattern: "/v1/automations/{id}/apply-now", MinRole: api.RoleOperator,
			Summary: "Run the automation now for chosen users and the members of chosen groups", Audit: true, Errors: []int{http.StatusNotFound},
			Request: ApplyRequest{}, Response: ApplyResult{},
			Handler: func(c *api.Call) (any, error) {
				var req ApplyRequest
				if err := c.Decode(&req); err != nil {
					return nil, err
				}
				out, err := s.ApplyNow(c.Context(), byID(c), req)
				return out, apiError(err)
			}},
	}
}

// apiError maps this package's errors to API errors; others pass through
// to api.ErrorFor.
func apiError(err error) error {
	var ve *ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve):
		// Each problem with its field, so a form shows it beside the
		// input (decisions 0222 and 0271).
		fields := make([]api.FieldError, len(ve.Problems))
		for i, p := range ve.Problems {
			fields[i] = api.FieldError{Field: p.Field, Message: p.Message}
		}
		return &api.Error{Status: http.StatusBadRequest, Code: "invalid_automation", Message: ve.Error(), Fields: fields, Err: err}
	case errors.Is(err, ErrNotFound):
		return &api.Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error(), Err: err}
	case errors.Is(err, ErrNoObjects), errors.Is(err, ErrBadDN):
		return &api.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: err.Error(), Err: err}
	case errors.Is(err, directory.ErrNotFound):
		return &api.Error{Status: http.StatusNotFound, Code: "directory_object_not_found", Message: err.Error(), Err: err}
	case errors.Is(err, directory.ErrUnavailable):
		return &api.Error{Status: http.StatusBadGateway, Code: "directory_unavailable", Message: err.Error(), Err: err}
	}
	return err
}

// ScheduleTimes are the next runs of a schedule.
type ScheduleTimes struct {
	// Schedule is the expression as given.
	Schedule string `json:"schedule"`
	// TimeZone is where the schedule's hours are read, e.g. "UTC".
	TimeZone string `json:"timeZone"`
	// Next are the next runs, soonest first.
	Next []time.Time `json:"next"`
}

// scheduleTimes answers GET /v1/schedules/next: forms show when a
// schedule will run before it is saved, and refuse a bad one beside its
// field. See decision 0269.
func (s *Service) scheduleTimes(c *api.Call) (any, error) {
	expr := c.Query("schedule")
	n := 3
	if v := c.Query("count"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 10 {
			return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: "count: a whole number from 1 to 10",
				Fields: []api.FieldError{{Field: "count", Message: "a whole number from 1 to 10"}}}
		}
	}
	next, err := NextRuns(expr, s.cfg.Now(), s.cfg.Location, n)
	if err != nil {
		return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_schedule", Message: "Schedule: " + err.Error(),
			Fields: []api.FieldError{{Field: "schedule", Message: err.Error()}}, Err: err}
	}
	return ScheduleTimes{Schedule: expr, TimeZone: s.cfg.Location.String(), Next: next}, nil
}
