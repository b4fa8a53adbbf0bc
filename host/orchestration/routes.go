package orchestration

import (
	"errors"
	"net/http"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// Routes are the template and run operations of the API.
func (e *Engine) Routes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Pattern: "/v1/templates", MinRole: api.RoleAuditor,
			Summary: "List orchestration templates", Response: []Template{},
			Handler: func(c *api.Call) (any, error) { return e.Templates(c.Context()) }},
		{Method: http.MethodGet, Pattern: "/v1/templates/{id}", MinRole: api.RoleAuditor,
			Summary: "Show an orchestration template", Response: Template{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				t, err := e.Template(c.Context(), c.PathValue("id"))
				return t, apiError(err)
			}},
		{Method: http.MethodPut, Pattern: "/v1/templates/{id}", MinRole: api.RoleAdmin,
			Summary: "Save an orchestration template (checked: ids, branches, loops, macros, conditions)", Request: Template{}, Response: Template{},
			Handler: func(c *api.Call) (any, error) {
				var t Template
				if err := c.Decode(&t); err != nil {
					return nil, err
				}
				t.ID = c.PathValue("id")
				saved, err := e.SaveTemplate(c.Context(), t)
				return saved, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/templates/{id}/check", MinRole: api.RoleAdmin,
			Summary: "Check an orchestration template as saving does (ids, branches, loops, macros, conditions) without saving it", Request: Template{}, Response: TemplateCheck{},
			Handler: func(c *api.Call) (any, error) {
				var t Template
				if err := c.Decode(&t); err != nil {
					return nil, err
				}
				t.ID = c.PathValue("id")
				if err := e.CheckTemplate(c.Context(), t); err != nil {
					return nil, apiError(err)
				}
				return TemplateCheck{Template: t.ID, Steps: len(t.Steps)}, nil
			}},
		{Method: http.MethodDelete, Pattern: "/v1/templates/{id}", MinRole: api.RoleAdmin,
			Summary: "Delete an orchestration template; started runs keep their copy", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) { return nil, apiError(e.DeleteTemplate(c.Context(), c.PathValue("id"))) }},
		{Method: http.MethodPost, Pattern: "/v1/runs", MinRole: api.RoleOperator,
			Summary: "Start a run of a template for directory objects named by id or DN (apply now); only an admin may set deactivationLimit",
			Request: StartRequest{}, Response: RunView{}, Audit: true, Status: http.StatusCreated,
			Errors: []int{http.StatusUnprocessableEntity},
			Handler: func(c *api.Call) (any, error) {
				var in StartRequest
				if err := c.Decode(&in); err != nil {
					return nil, err
				}
				req, err := e.startFromAPI(c.Context(), c.Principal, in)
				if err != nil {
					return nil, err
				}
				id, err := e.StartRun(c.Context(), req)
				if errors.Is(err, ErrNotFound) {
					return nil, &api.Error{Status: http.StatusUnprocessableEntity, Code: "unknown_template",
						Message: "templateId: " + err.Error() + "; GET /v1/templates lists them", Err: err}
				}
				if err != nil {
					return nil, apiError(err)
				}
				v, err := e.Status(c.Context(), id)
				return v, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/runs", MinRole: api.RoleAuditor,
			Summary: "List orchestration runs, newest first (?status=, ?automation=, ?after=, ?limit=)", Response: RunPage{},
			Handler: func(c *api.Call) (any, error) {
				runs, next, err := e.Runs(c.Context(), store.RunFilter{
					Status: store.RunStatus(c.Query("status")), Automation: c.Query("automation"), Page: pageOf(c)})
				return RunPage{Runs: runs, Next: next}, err
			}},
		{Method: http.MethodGet, Pattern: "/v1/runs/{id}", MinRole: api.RoleAuditor,
			Summary: "Show a run with its tallies", Response: RunView{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				v, err := e.Status(c.Context(), c.PathValue("id"))
				return v, apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/runs/{id}/entries", MinRole: api.RoleAuditor,
			Summary: "A run's entries per object and step: request and response (masked) and outcome (?object=, ?outcome=, ?after=, ?limit=)", Response: EntryPage{},
			Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				if _, _, err := e.load(c.Context(), c.PathValue("id")); err != nil {
					return nil, apiError(err)
				}
				entries, next, err := e.Entries(c.Context(), c.PathValue("id"), store.EntryFilter{
					ObjectID: c.Query("object"), Outcome: c.Query("outcome"), Page: pageOf(c)})
				return EntryPage{Entries: entries, Next: next}, err
			}},
		{Method: http.MethodPost, Pattern: "/v1/runs/{id}/retry", MinRole: api.RoleOperator,
			Summary: "Queue a run's failed steps again (?object= for one object)", Response: RetryResult{}, Errors: []int{http.StatusNotFound, http.StatusConflict},
			Handler: func(c *api.Call) (any, error) {
				n, err := e.Retry(c.Context(), c.PathValue("id"), c.Query("object"))
				return RetryResult{Requeued: n}, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/runs/{id}/approve", MinRole: api.RoleAdmin,
			Summary: "Let a run stopped by the deactivation guard go ahead", Errors: []int{http.StatusNotFound, http.StatusConflict},
			Handler: func(c *api.Call) (any, error) { return nil, apiError(e.Approve(c.Context(), c.PathValue("id"))) }},
		{Method: http.MethodPost, Pattern: "/v1/runs/{id}/cancel", MinRole: api.RoleOperator,
			Summary: "Cancel a run (queued steps are dropped; calls in flight finish)", Errors: []int{http.StatusNotFound, http.StatusConflict},
			Handler: func(c *api.Call) (any, error) { return nil, apiError(e.Cancel(c.Context(), c.PathValue("id"))) }},
	}
}

// RunPage is one page of runs, newest first; clients name it to read
// GET /v1/runs.
type RunPage struct {
	Runs []store.Run `json:"runs"`
	// Next is the cursor of the following page; empty at the end.
	Next string `json:"next,omitempty"`
}

// EntryPage is one page of a run's entries; clients name it to read
// GET /v1/runs/{id}/entries.
type EntryPage struct {
	Entries []store.RunEntry `json:"entries"`
	// Next is the cursor of the following page; empty at the end.
	Next string `json:"next,omitempty"`
}

// RetryResult says how many failed steps a retry queued again.
type RetryResult struct {
	Requeued int `json:"requeued"`
}

func pageOf(c *api.Call) store.Page { return store.PageOf(c.Query("limit"), c.Query("after")) }

func apiError(err error) error {
	var inv *InvalidError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv):
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_template", Message: err.Error(), Fields: inv.Fields, Err: err}
	case errors.Is(err, ErrNotFound):
		return &api.Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error(), Err: err}
	case errors.Is(err, ErrNotWaiting), errors.Is(err, ErrFinished), errors.Is(err, ErrNotRetryable):
		return &api.Error{Status: http.StatusConflict, Code: "conflict", Message: err.Error(), Err: err}
	}
	return err
}

// TemplateCheck is the answer of a template that passed every check.
type TemplateCheck struct {
	// Template is the template's id.
	Template string `json:"template"`
	// Steps is how many steps it has.
	Steps int `json:"steps"`
}
