package automation

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/marketplace/templates"
)

// Installer offers the templates an extension ships: "install templates
// from extension" in the console and the CLI.
type Installer struct {
	// Hooks saves the templates' custom webhooks.
	Hooks *outbound.Service
	// Engine checks and saves the templates.
	Engine *orchestration.Engine
	// Shipped returns the templates an installed extension ships in its
	// templates/ folder, by extension id. The host knows no connector's
	// templates of its own (see decision 0201).
	Shipped func(ctx context.Context, extension string) ([]templates.Template, error)
	// ExtensionOf names the extension an integration runs, for a request
	// that names only the integration.
	ExtensionOf func(ctx context.Context, integration string) (string, error)
}

// InstallRequest names the integration the templates are bound to.
type InstallRequest struct {
	// Integration is the integration whose connector the steps call.
	Integration string `json:"integration"`
	// Extension is the extension whose templates are installed; empty
	// means the integration's own.
	Extension string `json:"extension,omitempty"`
}

// InstallResult lists what was installed and what was refused.
type InstallResult struct {
	// Installed are template ids saved in the engine.
	Installed []string `json:"installed"`
	// Refused explains the templates the engine did not accept.
	Refused string `json:"refused,omitempty"`
}

// ErrNoIntegration: an install did not name the integration.
var ErrNoIntegration = errors.New("name the integration the templates call through, e.g. {\"integration\":\"clockify\"}")

// ErrNoExtension: the install named no extension and the integration's
// could not be told.
var ErrNoExtension = errors.New("name the extension whose templates to install, e.g. {\"integration\":\"clockify\",\"extension\":\"clockify\"}")

// errNoShipped is a wiring mistake: an Installer without a source of
// templates.
var errNoShipped = errors.New("automation: Installer.Shipped is not set")

// Install saves the shipped templates of req.Extension for
// req.Integration.
func (in Installer) Install(ctx context.Context, req InstallRequest) (*InstallResult, error) {
	if strings.TrimSpace(req.Integration) == "" {
		return nil, ErrNoIntegration
	}
	if in.Shipped == nil {
		return nil, errNoShipped
	}
	ext := req.Extension
	if ext == "" && in.ExtensionOf != nil {
		var err error
		if ext, err = in.ExtensionOf(ctx, req.Integration); err != nil {
			return nil, err
		}
	}
	if ext == "" {
		return nil, ErrNoExtension
	}
	ts, err := in.Shipped(ctx, ext)
	if err != nil {
		return nil, err
	}
	ids, err := InstallTemplates(ctx, in.Hooks, in.Engine, req.Integration, ts)
	res := &InstallResult{Installed: ids}
	if ids == nil {
		res.Installed = []string{}
	}
	if err != nil {
		res.Refused = err.Error()
	}
	return res, nil
}

// Routes implements api.RouteProvider.
func (in Installer) Routes() []api.Route {
	return []api.Route{
		{Method: http.MethodPost, Pattern: "/v1/templates/install", MinRole: api.RoleAdmin,
			Summary: "Install the orchestration templates an extension ships, bound to one of its integrations",
			Request: InstallRequest{}, Response: InstallResult{},
			Handler: func(c *api.Call) (any, error) {
				var req InstallRequest
				if err := c.Decode(&req); err != nil {
					return nil, err
				}
				res, err := in.Install(c.Context(), req)
				if errors.Is(err, ErrNoIntegration) || errors.Is(err, ErrNoExtension) {
					return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: err.Error(), Err: err}
				}
				return res, err
			}},
	}
}
