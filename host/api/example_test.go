package api_test

import (
	"net/http"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// A domain service declares its routes; the application mounts them.
type gadgets struct{ docs store.Docs }

type gadget struct {
	Name string `json:"name"`
}

func (w *gadgets) Routes() []api.Route {
	return []api.Route{
		{
			Method: http.MethodGet, Pattern: "/v1/gadgets/{id}", MinRole: api.RoleAuditor,
			Summary: "Show a gadget", Response: gadget{},
			Handler: func(c *api.Call) (any, error) {
				var out gadget
				// store.ErrNotFound becomes a 404 by itself.
				err := w.docs.Get(c.Context(), "gadget", c.PathValue("id"), &out)
				return out, err
			},
		},
		{
			Method: http.MethodPut, Pattern: "/v1/gadgets/{id}", MinRole: api.RoleAdmin,
			Summary: "Create or replace a gadget", Request: gadget{}, Response: gadget{},
			Handler: func(c *api.Call) (any, error) {
				var in gadget
				if err := c.Decode(&in); err != nil {
					return nil, err // 400 naming the problem
				}
				if in.Name == "" {
					return nil, api.BadRequest("name is required")
				}
				c.AuditChange(nil, in) // admin changes are audited
				return in, w.docs.Put(c.Context(), "gadget", c.PathValue("id"), in)
			},
		},
	}
}

func ExampleServer_Mount() {
	docs := store.NewMemoryDocs()
	srv := api.NewServer(api.Options{Auth: api.NewTokens(docs)})
	if err := srv.Mount(&gadgets{docs: docs}); err != nil {
		panic(err)
	}
	_ = http.ListenAndServe // srv is an http.Handler; App.Run serves it
}
