package outbound

import (
	"context"

	"github.com/idbridge/idbridge/host/integrations"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Connector is what outbound calls need from an integration's running
// plugin. *integrations.Connector satisfies it.
type Connector interface {
	Describe(ctx context.Context) (*connectorv1.DescribeResponse, error)
	Invoke(ctx context.Context, req *connectorv1.InvokeRequest) (*connectorv1.InvokeResponse, error)
}

// Integrations resolves integration ids. ServiceIntegrations adapts
// *integrations.Service; tests may plug a plugin handle in directly.
type Integrations interface {
	// Connector returns the connector of an enabled integration.
	Connector(ctx context.Context, id string) (Connector, error)
	// PlainSettings returns the integration's settings that are not
	// secret: the values %integration.x% may render.
	PlainSettings(ctx context.Context, id string) (map[string]string, error)
}

// ServiceIntegrations adapts the integrations service.
type ServiceIntegrations struct {
	Service *integrations.Service
}

// Connector implements Integrations.
func (s ServiceIntegrations) Connector(ctx context.Context, id string) (Connector, error) {
	return s.Service.Connector(ctx, id)
}

// PlainSettings implements Integrations: the settings minus the ones the
// connector declares secret, which are never rendered into a template.
func (s ServiceIntegrations) PlainSettings(ctx context.Context, id string) (map[string]string, error) {
	all, err := s.Service.Settings(ctx, id)
	if err != nil {
		return nil, err
	}
	schema, err := s.Service.Schema(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, st := range schema {
		if st.Secret {
			delete(all, st.Key)
		}
	}
	return all, nil
}
