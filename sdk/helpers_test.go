package sdk

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// testConnector declares a small app at base with a secret key.
func testConnector(base string) Connector {
	return Connector{
		Info: Info{ID: "testapp", Name: "Test app", Version: "1.0.0"},
		Settings: []Setting{
			{Key: "workspaceId", Required: true},
			{Key: "baseUrl", Type: URL},
			{Key: "apiKey", Required: true, Secret: true},
		},
		BaseURL:   BaseURL{Setting: "baseUrl", Default: base},
		Auth:      HeaderAuth("X-Api-Key", "apiKey"),
		RateLimit: RateLimit{PerSecond: 1000, Burst: 10, KeySetting: "workspaceId"},
		Retry:     httpexec.RetryPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond},
		Endpoints: []Endpoint{{
			ID: "list-users", Name: "List Users", URL: "/v1/workspaces/{WorkspaceID}/users",
			Query:  []KV{{Name: "status", Value: "ALL"}},
			Paging: Paging{Kind: PageNumber, PageParam: "page", SizeParam: "page-size", PageSize: 2, FirstPage: 1, LastPageHeader: "Last-Page"},
			Fields: []Field{{Path: "id", Type: FieldString}}, PrimaryKey: "id",
		}},
		Webhooks: []Webhook{{
			ID: "find-user", Name: "Find user", Method: "GET", URL: "/v1/workspaces/{WorkspaceID}/users",
			Outputs: []Output{{Name: "userId", Path: "[email=b@x.io].id"}},
		}, {
			ID: "add-user", Name: "Add user", Method: "POST", URL: "/v1/workspaces/{WorkspaceID}/users",
			Body: `{"email":"%email%"}`, MessageType: JSON, Outputs: []Output{{Name: "id", Path: "id"}},
		}},
	}
}

const testKey = "k3y-very-secret"

func testSettings(base string) map[string]string {
	return map[string]string{"workspaceId": "ws1", "baseUrl": base, "apiKey": testKey}
}

// dial serves c in-process over an in-memory gRPC connection, the same
// path the plugin takes minus the process boundary.
func dial(t testing.TB, c Connector) connectorv1.ConnectorClient {
	return dialMode(t, c, true)
}

// dialMode serves c with pre-encoded Fetch frames (as Serve does) or with
// structpb values.
func dialMode(t testing.TB, c Connector, preEncoded bool) connectorv1.ConnectorClient {
	t.Helper()
	impl, err := NewServer(c, Options{PreEncoded: preEncoded})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	lis := bufconn.Listen(1 << 20)
	var opts []grpc.ServerOption
	if preEncoded {
		opts = append(opts, grpc.ForceServerCodecV2(WireCodec()))
	}
	gs := grpc.NewServer(opts...)
	connectorv1.RegisterConnectorServer(gs, impl)
	go func() { _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///inprocess",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); gs.Stop() })
	return connectorv1.NewConnectorClient(conn)
}

// app serves h and returns its base URL ending in /api.
func app(t testing.TB, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/api"
}

// fetchAll runs a Fetch and collects its messages.
func fetchAll(t *testing.T, cl connectorv1.ConnectorClient, req *connectorv1.FetchRequest) ([]*connectorv1.FetchResponse, error) {
	t.Helper()
	st, err := cl.Fetch(context.Background(), req)
	if err != nil {
		return nil, err
	}
	var out []*connectorv1.FetchResponse
	for {
		m, err := st.Recv()
		if err != nil {
			if err.Error() == "EOF" {
				return out, nil
			}
			return out, err
		}
		out = append(out, m)
	}
}
