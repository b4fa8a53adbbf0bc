package pluginhost

import (
	"context"

	"google.golang.org/grpc"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// A Handle is used wherever a connector client is expected, so layers above
// can be tested with an in-process ConnectorClient instead.
var _ connectorv1.ConnectorClient = (*Handle)(nil)

// Describe implements connectorv1.ConnectorClient, launching the plugin if
// needed.
func (h *Handle) Describe(ctx context.Context, in *connectorv1.DescribeRequest, opts ...grpc.CallOption) (*connectorv1.DescribeResponse, error) {
	inst, err := h.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return inst.conn.Describe(ctx, in, opts...)
}

// Test implements connectorv1.ConnectorClient, launching the plugin if
// needed.
func (h *Handle) Test(ctx context.Context, in *connectorv1.TestRequest, opts ...grpc.CallOption) (*connectorv1.TestResponse, error) {
	inst, err := h.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return inst.conn.Test(ctx, in, opts...)
}

// Fetch implements connectorv1.ConnectorClient, launching the plugin if
// needed. A plugin that dies mid-stream ends the stream with an error; the
// next call restarts it.
//
// Records are decoded with the SDK's Struct decoder, which builds the same
// values as the generic protobuf decoder at a fraction of the cost and falls
// back to it for anything unexpected; a caller's own codec option, coming
// later, overrides it.
func (h *Handle) Fetch(ctx context.Context, in *connectorv1.FetchRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[connectorv1.FetchResponse], error) {
	inst, err := h.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return inst.conn.Fetch(ctx, in, append([]grpc.CallOption{sdk.FetchCallOption()}, opts...)...)
}

// Invoke implements connectorv1.ConnectorClient, launching the plugin if
// needed. A failed Invoke is never retried here: the outbound call may have
// reached the app, and only the caller knows whether it is idempotent.
func (h *Handle) Invoke(ctx context.Context, in *connectorv1.InvokeRequest, opts ...grpc.CallOption) (*connectorv1.InvokeResponse, error) {
	inst, err := h.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return inst.conn.Invoke(ctx, in, opts...)
}
