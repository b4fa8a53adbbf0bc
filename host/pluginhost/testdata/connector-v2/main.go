// Command connector-v2 pretends to be a connector built for protocol v2, a
// version the host does not know, to test that the host refuses it.
package main

import (
	"context"

	"github.com/hashicorp/go-plugin"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
)

type connector struct {
	connectorv1.UnimplementedConnectorServer
}

func (connector) Describe(context.Context, *connectorv1.DescribeRequest) (*connectorv1.DescribeResponse, error) {
	return &connectorv1.DescribeResponse{ProtocolVersion: 2}, nil
}

func main() {
	hs := wire.Handshake
	hs.ProtocolVersion = 2
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  hs,
		VersionedPlugins: map[int]plugin.PluginSet{2: {wire.PluginName: &wire.ConnectorPlugin{Impl: connector{}}}},
		GRPCServer:       plugin.DefaultGRPCServer,
	})
}
