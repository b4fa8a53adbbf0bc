package connectortest

import (
	"context"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// DescribeBinary launches the connector binary at path, asks for its
// Describe and stops it. It returns the protocol version the binary
// negotiated too, for tools that compare a binary with what its package
// says about it (ext pack does).
func DescribeBinary(ctx context.Context, path string) (*connectorv1.DescribeResponse, int, error) {
	p, err := Launch(path, nil)
	if err != nil {
		return nil, 0, err
	}
	defer p.Stop()
	d, err := p.Client().Describe(ctx, &connectorv1.DescribeRequest{})
	if err != nil {
		return nil, 0, err
	}
	return d, p.NegotiatedVersion(), nil
}
