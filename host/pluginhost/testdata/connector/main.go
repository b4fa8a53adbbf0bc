// Command connector is a test connector for the plugin supervisor's tests
// and benchmarks. It behaves on demand: Fetch of endpoint "records" streams
// settings["count"] small records; webhook "panic" and endpoint "panic"
// panic; webhook "exit" ends the process; the environment variable
// TESTCONNECTOR_EXIT_AT_START makes it fail before the handshake,
// TESTCONNECTOR_HANG_AT_START makes it never complete the handshake,
// TESTCONNECTOR_GOPLUGIN_TLS makes it serve like a connector built before
// the host handed out TLS certificates (go-plugin's own mTLS), and
// TESTCONNECTOR_PRINT_ENV makes Invoke return its environment.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
	"google.golang.org/grpc"
)

type connector struct {
	connectorv1.UnimplementedConnectorServer
}

func (connector) Describe(context.Context, *connectorv1.DescribeRequest) (*connectorv1.DescribeResponse, error) {
	return &connectorv1.DescribeResponse{
		Info:            &connectorv1.ConnectorInfo{Id: "testconn", Name: "Test connector", Version: "1.2.3", Publisher: "idbridge tests"},
		ProtocolVersion: wire.ProtocolVersion,
		Capabilities:    []connectorv1.Capability{connectorv1.Capability_CAPABILITY_FETCH, connectorv1.Capability_CAPABILITY_INVOKE},
		Settings: []*connectorv1.SettingSpec{
			{Key: "baseUrl", Label: "Base URL", Type: connectorv1.SettingType_SETTING_TYPE_URL, Required: true},
			{Key: "apiKey", Label: "API key", Type: connectorv1.SettingType_SETTING_TYPE_STRING, Required: true, Secret: true},
		},
		Endpoints: []*connectorv1.EndpointSpec{{Id: "records", Name: "Records", Method: "GET", Url: "/records", PrimaryKey: "id"}},
		Webhooks:  []*connectorv1.WebhookSpec{{Id: "echo", Name: "Echo", Method: "POST", Url: "/echo"}},
	}, nil
}

func (connector) Test(context.Context, *connectorv1.TestRequest) (*connectorv1.TestResponse, error) {
	return &connectorv1.TestResponse{Ok: true, Account: "tester@example.test"}, nil
}

func (connector) Fetch(req *connectorv1.FetchRequest, stream grpc.ServerStreamingServer[connectorv1.FetchResponse]) error {
	if req.GetEndpointId() == "panic" {
		panic("fetch asked to panic")
	}
	count, _ := strconv.Atoi(req.Settings["count"])
	batch := int(req.BatchSize)
	if batch <= 0 {
		batch = 500
	}
	records := make([]*structpb.Struct, 0, batch)
	for i := range count {
		records = append(records, &structpb.Struct{Fields: map[string]*structpb.Value{
			"id":     structpb.NewStringValue("u" + strconv.Itoa(i)),
			"email":  structpb.NewStringValue("user" + strconv.Itoa(i) + "@example.test"),
			"active": structpb.NewBoolValue(i%7 != 0),
		}})
		if len(records) == batch || i == count-1 {
			if err := stream.Send(&connectorv1.FetchResponse{Records: records, Page: int32(i/batch + 1)}); err != nil {
				return err
			}
			records = records[:0]
		}
	}
	return nil
}

func (connector) Invoke(_ context.Context, req *connectorv1.InvokeRequest) (*connectorv1.InvokeResponse, error) {
	switch req.WebhookId {
	case "panic":
		panic("invoke asked to panic")
	case "exit":
		os.Exit(3)
	case "env":
		out := map[string]any{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
		s, err := structpb.NewStruct(out)
		if err != nil {
			return nil, err
		}
		return &connectorv1.InvokeResponse{Outputs: s}, nil
	}
	s, _ := structpb.NewStruct(map[string]any{"echo": req.IdempotencyKey})
	return &connectorv1.InvokeResponse{Outputs: s}, nil
}

func main() {
	if os.Getenv("TESTCONNECTOR_EXIT_AT_START") != "" {
		fmt.Fprintln(os.Stderr, "test connector told to fail at start")
		os.Exit(4)
	}
	if os.Getenv("TESTCONNECTOR_HANG_AT_START") != "" {
		time.Sleep(time.Hour)
	}
	if os.Getenv("TESTCONNECTOR_GOPLUGIN_TLS") != "" {
		plugin.Serve(&plugin.ServeConfig{
			HandshakeConfig:  wire.Handshake,
			VersionedPlugins: wire.VersionedPlugins(connector{}),
			GRPCServer:       plugin.DefaultGRPCServer,
		})
		return
	}
	wire.Serve(connector{}, wire.ServeOptions{Name: "testconn"})
}
