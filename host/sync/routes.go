package sync

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	gosync "sync"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
)

// Event is one line of a streamed plan or apply (?stream=ndjson): progress
// lines while it runs, then one line with the preview or result, or the
// error.
type Event struct {
	Progress *Progress `json:"progress,omitempty"`
	// Item is one object of a plan streamed with ?details=true.
	Item    *mapping.Item `json:"item,omitempty"`
	Preview *Preview      `json:"preview,omitempty"`
	Result  *Result       `json:"result,omitempty"`
	Error   *EventError   `json:"error,omitempty"`
}

// EventError is the error of a streamed run. The stream has already
// answered 200, so the status the error would have had travels here.
type EventError struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// RunView is a run record with its entries, for `sync show`.
type RunView struct {
	Run     store.Run        `json:"run"`
	Entries []store.RunEntry `json:"entries"`
	Next    string           `json:"next,omitempty"`
}

// Routes implements api.RouteProvider: data sources CRUD, plan, apply, and
// the run records of applies.
func (s *Service) Routes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Pattern: "/v1/datasources", MinRole: api.RoleAuditor,
			Summary: "List data sources", Response: []DataSource{},
			Handler: func(c *api.Call) (any, error) { return s.List(c.Context()) }},
		{Method: http.MethodGet, Pattern: "/v1/datasources/{id}", MinRole: api.RoleAuditor,
			Summary: "Show a data source", Response: DataSource{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) { return s.Get(c.Context(), c.PathValue("id")) }},
		{Method: http.MethodPost, Pattern: "/v1/datasources", MinRole: api.RoleAdmin,
			Summary: "Create a data source (validated against the endpoints' fields and the directory schema)",
			Request: DataSource{}, Response: DataSource{}, Status: http.StatusCreated,
			Handler: api.CreateHandler(s.Create, apiError)},
		{Method: http.MethodPut, Pattern: "/v1/datasources/{id}", MinRole: api.RoleAdmin,
			Summary: "Replace a data source (validated as at create)", Request: DataSource{}, Response: DataSource{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				var d DataSource
				if err := c.Decode(&d); err != nil {
					return nil, err
				}
				if d.ID == "" {
					d.ID = c.PathValue("id")
				}
				if d.ID != c.PathValue("id") {
					return nil, api.BadRequest("the body's id %q differs from %q in the path; ids cannot change, create a new data source instead", d.ID, c.PathValue("id"))
				}
				before, _ := s.Get(c.Context(), d.ID)
				out, err := s.Update(c.Context(), d)
				if err != nil {
					return nil, apiError(err)
				}
				c.AuditChange(before, out)
				return out, nil
			}},
		{Method: http.MethodDelete, Pattern: "/v1/datasources/{id}", MinRole: api.RoleAdmin,
			Summary: "Delete a data source (its run records stay)", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				before, _ := s.Get(c.Context(), c.PathValue("id"))
				if err := s.Delete(c.Context(), c.PathValue("id")); err != nil {
					return nil, err
				}
				c.AuditChange(before, nil)
				return nil, nil
			}},
		{Method: http.MethodPost, Pattern: "/v1/datasources/{id}/plan", MinRole: api.RoleOperator,
			Summary: "Dry run: plan a sync without writing (?limit=N keeps the first N objects per category, the summary counts all; " +
				"?stream=ndjson streams progress; with it, ?details=true streams every object as its own line)",
			Response: Preview{}, Errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusBadGateway},
			Handler: func(c *api.Call) (any, error) {
				o, details, err := planOptions(c)
				if err != nil {
					return nil, err
				}
				run := func(o RunOptions) (*Preview, error) { return s.Plan(c.Context(), c.PathValue("id"), o) }
				if c.Query("stream") == "ndjson" {
					return stream(o, details, func(o RunOptions) Event {
						pv, err := run(o)
						return Event{Preview: pv, Error: s.eventError(err)}
					}), nil
				}
				out, err := run(o)
				return out, apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/datasources/{id}/apply", MinRole: api.RoleOperator, Audit: true,
			Summary: "Plan and apply a sync (?confirm=true beyond the change limit; ?stream=ndjson streams progress)", Response: Result{}, Errors: []int{http.StatusNotFound, http.StatusBadGateway},
			Handler: func(c *api.Call) (any, error) {
				run := func(o RunOptions) (*Result, error) {
					return s.Apply(c.Context(), c.PathValue("id"), ApplyOptions{RunOptions: o, Confirm: c.Query("confirm") == "true"})
				}
				if c.Query("stream") == "ndjson" {
					return stream(RunOptions{}, false, func(o RunOptions) Event {
						res, err := run(o)
						return Event{Result: res, Error: s.eventError(err)}
					}), nil
				}
				out, err := run(RunOptions{})
				if err != nil {
					return nil, apiError(err)
				}
				return out, nil
			}},
		{Method: http.MethodGet, Pattern: "/v1/datasources/{id}/runs", MinRole: api.RoleAuditor,
			Summary: "List the sync runs of a data source, newest first (?limit= and ?after= page)", Response: []store.Run{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				runs, _, err := s.cfg.Runs.List(c.Context(), store.RunFilter{Automation: c.PathValue("id"), Kind: RunKind,
					Page: store.PageOf(c.Query("limit"), c.Query("after"))})
				if err != nil || len(runs) > 0 || c.Query("after") != "" {
					return runs, err
				}
				// No runs: an unknown data source is a 404, not an empty
				// list, so a typo in the id is not mistaken for "never ran".
				// A deleted data source's runs stay listed while they exist.
				if _, err := s.Get(c.Context(), c.PathValue("id")); err != nil {
					return nil, err
				}
				return runs, nil
			}},
		{Method: http.MethodGet, Pattern: "/v1/datasources/{id}/runs/{run}", MinRole: api.RoleAuditor,
			Summary: "Show a sync run with its entries (?outcome= filters, ?after= pages)", Response: RunView{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				run, err := s.cfg.Runs.Get(c.Context(), c.PathValue("run"))
				if err != nil {
					return nil, err
				}
				if run.Automation != c.PathValue("id") || run.Kind != RunKind {
					return nil, &api.Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such run of this data source"}
				}
				entries, next, err := s.cfg.Runs.Entries(c.Context(), run.ID, store.EntryFilter{Outcome: c.Query("outcome"),
					Page: store.Page{After: c.Query("after"), Limit: store.MaxPageSize}})
				return RunView{Run: run, Entries: entries, Next: next}, err
			}},
	}
}

// MaxPlanLimit bounds ?limit=: beyond it, stream the details instead.
const MaxPlanLimit = 10000

// planOptions reads ?limit= and ?details= of a plan request.
func planOptions(c *api.Call) (o RunOptions, details bool, err error) {
	if v := c.Query("limit"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 || n > MaxPlanLimit {
			return o, false, api.BadRequest("limit %q: give a whole number from 1 to %d (objects per category), or stream every object with ?stream=ndjson&details=true", v, MaxPlanLimit)
		}
		o.Sample = n
	}
	switch c.Query("details") {
	case "", "false":
	case "true":
		if c.Query("stream") != "ndjson" {
			return o, false, api.BadRequest("details=true streams one line per object: add stream=ndjson")
		}
		if o.Sample > 0 {
			return o, false, api.BadRequest("details=true streams every object; drop limit=%d", o.Sample)
		}
		details = true
	default:
		return o, false, api.BadRequest("details=%q: use true or false", c.Query("details"))
	}
	return o, details, nil
}

// stream answers with NDJSON: a line per progress report, with details a
// line per plan object, then the final event. Object lines are buffered
// and flushed with each progress line and at the end, so a 100,000-object
// plan is not 100,000 flushes; the host holds no more than the buffer.
func stream(o RunOptions, details bool, run func(RunOptions) Event) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(http.StatusOK)
		flusher, _ := w.(http.Flusher)
		buf := bufio.NewWriterSize(w, 64<<10)
		enc := json.NewEncoder(buf)
		var mu gosync.Mutex // progress and objects may come from different goroutines
		emit := func(e Event, flush bool) error {
			mu.Lock()
			defer mu.Unlock()
			if err := enc.Encode(e); err != nil {
				return err
			}
			if !flush {
				return nil
			}
			if err := buf.Flush(); err != nil {
				return err
			}
			if flusher != nil {
				flusher.Flush()
			}
			return nil
		}
		last := Progress{}
		o.Progress = func(p Progress) {
			// Thin the stream: a line per phase change or per 1% of work.
			if p.Phase == last.Phase && p.Done-last.Done < max(1, p.Total/100) &&
				p.Records-last.Records < 1000 && p.Users-last.Users < 1000 {
				return
			}
			last = p
			_ = emit(Event{Progress: &p}, true)
		}
		if details {
			o.Items = func(it mapping.Item) error { return emit(Event{Item: &it}, false) }
		}
		_ = emit(run(o), true)
	})
}

func (s *Service) eventError(err error) *EventError {
	if err == nil {
		return nil
	}
	e, expected := api.ErrorFor(apiError(err))
	if !expected {
		// The stream's 200 is already sent, so the server cannot log this
		// as a failed call: without this line the log would say nothing.
		s.cfg.Logger.Error("streamed sync call failed", "error", err)
	}
	return &EventError{Status: e.Status, Code: e.Code, Message: e.Message}
}

// apiError maps the package's errors to API answers.
func apiError(err error) error {
	var inv *InvalidError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv):
		return &api.Error{Status: http.StatusBadRequest, Code: "invalid_datasource", Message: err.Error(), Fields: inv.Fields, Err: err}
	case errors.Is(err, ErrBusy):
		return &api.Error{Status: http.StatusConflict, Code: "busy", Message: err.Error(), Err: err}
	case errors.Is(err, ErrNeedsConfirmation):
		return &api.Error{Status: http.StatusConflict, Code: "needs_confirmation", Message: err.Error(), Err: err}
	case errors.Is(err, ErrSchemaUnchecked), errors.Is(err, ErrDirectoryLost), errors.Is(err, directory.ErrUnavailable):
		return &api.Error{Status: http.StatusServiceUnavailable, Code: "directory_unavailable", Message: err.Error(), Err: err}
	case errors.Is(err, ErrRoleTable):
		return &api.Error{Status: http.StatusBadRequest, Code: "role_table", Message: err.Error(), Err: err}
	case errors.Is(err, directory.ErrNestingTooDeep):
		return &api.Error{Status: http.StatusBadRequest, Code: "nesting_too_deep", Message: err.Error(), Err: err}
	}
	var fetch *inbound.FetchError
	if errors.As(err, &fetch) {
		// The app refused or failed: not the host's fault, and the caller
		// needs the app's status, message and the connector's advice,
		// which the fetch error carries (masked). See decision 0198.
		return &api.Error{Status: http.StatusBadGateway, Code: "app_error", Message: fetch.Error(), Err: err}
	}
	return err
}
