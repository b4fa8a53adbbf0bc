package integrations

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Connector is an enabled integration's running plugin with its settings
// filled in on every call, so callers never hold decrypted secrets. It
// reads the settings at each call, so a changed authorization takes effect
// at once.
type Connector struct {
	id     string
	client connectorv1.ConnectorClient
	svc    *Service
}

// Connector returns the connector of an enabled integration, starting its
// plugin if the supervisor stopped it. A disabled integration gives
// ErrDisabled.
func (s *Service) Connector(ctx context.Context, id string) (*Connector, error) {
	in, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !in.Enabled {
		return nil, fmt.Errorf("integration %s: %w", id, ErrDisabled)
	}
	c, err := s.start(ctx, in)
	if err != nil {
		return nil, err
	}
	return &Connector{id: id, client: c, svc: s}, nil
}

// IntegrationID is the integration this connector serves.
func (c *Connector) IntegrationID() string { return c.id }

// Describe asks the plugin for its declarations.
func (c *Connector) Describe(ctx context.Context) (*connectorv1.DescribeResponse, error) {
	in, err := c.svc.load(ctx, c.id)
	if err != nil {
		return nil, err
	}
	return c.svc.describe(ctx, in, c.client)
}

// Test runs the connection test with the current settings. Unlike
// Service.Test it does not record the result.
func (c *Connector) Test(ctx context.Context) (*connectorv1.TestResponse, error) {
	values, err := c.svc.Settings(ctx, c.id)
	if err != nil {
		return nil, err
	}
	return c.client.Test(ctx, &connectorv1.TestRequest{Settings: values})
}

// Fetch runs an inbound endpoint; req.Settings is filled in on a copy.
func (c *Connector) Fetch(ctx context.Context, req *connectorv1.FetchRequest) (grpc.ServerStreamingClient[connectorv1.FetchResponse], error) {
	values, err := c.svc.Settings(ctx, c.id)
	if err != nil {
		return nil, err
	}
	r := proto.CloneOf(req)
	r.Settings = values
	return c.client.Fetch(ctx, r)
}

// Invoke runs one rendered outbound call; req.Settings is filled in on a
// copy.
func (c *Connector) Invoke(ctx context.Context, req *connectorv1.InvokeRequest) (*connectorv1.InvokeResponse, error) {
	values, err := c.svc.Settings(ctx, c.id)
	if err != nil {
		return nil, err
	}
	r := proto.CloneOf(req)
	r.Settings = values
	return c.client.Invoke(ctx, r)
}
