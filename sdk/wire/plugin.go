package wire

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// ConnectorPlugin adapts the connector gRPC service to go-plugin. The host
// uses it with a nil Impl to get a client; a connector sets Impl to serve.
type ConnectorPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	// Impl is the connector's implementation; only the plugin side sets it.
	Impl connectorv1.ConnectorServer
}

var _ plugin.GRPCPlugin = (*ConnectorPlugin)(nil)

// GRPCServer registers the connector service on the plugin's gRPC server.
func (p *ConnectorPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	connectorv1.RegisterConnectorServer(s, p.Impl)
	return nil
}

// GRPCClient returns a connectorv1.ConnectorClient bound to the plugin.
func (p *ConnectorPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return connectorv1.NewConnectorClient(c), nil
}

// VersionedPlugins is the plugin set per protocol version, for the host's
// ClientConfig and the connector's ServeConfig alike.
func VersionedPlugins(impl connectorv1.ConnectorServer) map[int]plugin.PluginSet {
	sets := map[int]plugin.PluginSet{}
	for _, v := range SupportedProtocolVersions {
		sets[v] = plugin.PluginSet{PluginName: &ConnectorPlugin{Impl: impl}}
	}
	return sets
}
