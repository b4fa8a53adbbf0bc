package pluginhost

import (
	"fmt"
	"net/http"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// Routes implements api.RouteProvider: admins see every plugin's state,
// including a crash loop and its last error, and reset it once the cause is
// fixed.
func (s *Supervisor) Routes() []api.Route {
	return []api.Route{
		{
			Method: http.MethodGet, Pattern: "/v1/plugins", MinRole: api.RoleAuditor,
			Summary: "List supervised connector processes and their state", Response: []Status{},
			Handler: func(*api.Call) (any, error) { return s.Statuses(), nil },
		},
		{
			Method: http.MethodGet, Pattern: "/v1/plugins/{id}", MinRole: api.RoleAuditor,
			Summary: "Show one connector process's state, restarts and last error", Response: Status{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				h, err := s.handle(c.PathValue("id"))
				if err != nil {
					return nil, err
				}
				return h.Status(), nil
			},
		},
		{
			Method: http.MethodPost, Pattern: "/v1/plugins/{id}/reset", MinRole: api.RoleAdmin,
			Summary: "Clear a connector's crash loop so the next call starts it again", Response: Status{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				h, err := s.handle(c.PathValue("id"))
				if err != nil {
					return nil, err
				}
				before := h.Status()
				h.Reset()
				after := h.Status()
				c.AuditChange(before, after)
				return after, nil
			},
		},
	}
}

func (s *Supervisor) handle(id string) (*Handle, error) {
	h, ok := s.Get(id)
	if !ok {
		return nil, fmt.Errorf("connector process %q: %w (GET /v1/plugins lists them)", id, store.ErrNotFound)
	}
	return h, nil
}
