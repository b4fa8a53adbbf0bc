package connectortest

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// InProcess serves c over an in-memory gRPC connection: the same encoding
// (pre-encoded Fetch frames) and streaming as the plugin, without a process. The server
// stops when the test ends.
func InProcess(t testing.TB, c sdk.Connector) connectorv1.ConnectorClient {
	t.Helper()
	impl, err := sdk.NewServer(c, sdk.Options{PreEncoded: true})
	if err != nil {
		t.Fatalf("the connector's declaration does not validate: %v", err)
	}
	lis := bufconn.Listen(1 << 20)
	gs := grpc.NewServer(grpc.ForceServerCodecV2(sdk.WireCodec()))
	connectorv1.RegisterConnectorServer(gs, impl)
	go func() { _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///connector",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dialling the in-process connector: %v", err)
	}
	t.Cleanup(func() { conn.Close(); gs.Stop() })
	return connectorv1.NewConnectorClient(conn)
}

// Plugin launches the connector binary at path with Launch (go-plugin,
// checksum pinning, mutual TLS, as a host does) and stops it when the test
// ends.
func Plugin(t testing.TB, path string) connectorv1.ConnectorClient {
	t.Helper()
	logs := &testWriter{t: t}
	t.Cleanup(logs.close) // registered first, so it runs after Stop
	p, err := Launch(path, logs)
	if err != nil {
		t.Fatalf("launching %s: %v", path, err)
	}
	t.Cleanup(p.Stop)
	return p.Client()
}

// testWriter sends plugin logs to the test log, so a failing run shows
// what the connector said; lines after the test ended are dropped, since
// testing panics on them.
type testWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

// Write logs p unless the test has ended.
func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testWriter) close() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}
