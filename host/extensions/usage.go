package extensions

import "context"

// Usage is one integration that uses an extension.
type Usage struct {
	// IntegrationID identifies the integration.
	IntegrationID string `json:"integration_id"`
	// Name is the integration's display name.
	Name string `json:"name"`
	// Enabled is set while the integration runs; uninstall is refused then.
	Enabled bool `json:"enabled"`
}

// UsageChecker is how the manager asks about integrations without
// importing them: the integrations package implements it and is handed to
// Config. It keeps the dependency pointing one way.
type UsageChecker interface {
	// IntegrationsUsing lists the integrations built on extID.
	IntegrationsUsing(ctx context.Context, extID string) ([]Usage, error)
	// PurgeIntegrations deletes the configuration (settings, credentials,
	// endpoints, webhooks) of every integration built on extID; used by
	// uninstall with purge.
	PurgeIntegrations(ctx context.Context, extID string) error
}

// noUsage is the UsageChecker of a host without integrations.
type noUsage struct{}

func (noUsage) IntegrationsUsing(context.Context, string) ([]Usage, error) { return nil, nil }
func (noUsage) PurgeIntegrations(context.Context, string) error            { return nil }
