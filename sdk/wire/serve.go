package wire

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// ServeOptions tunes Serve. The zero value is fine for connectors.
type ServeOptions struct {
	// Name tags the connector's log lines; the host shows them under it.
	Name string
	// Logger overrides the default JSON logger on stderr, which go-plugin
	// forwards to the host's logger.
	Logger hclog.Logger
	// ParentCheckInterval is how often the plugin checks that the host is
	// still alive; 0 means every 500ms.
	ParentCheckInterval time.Duration
}

// Serve runs impl as a go-plugin connector until the host stops it or dies.
// It never returns normally: go-plugin exits the process when done.
func Serve(impl connectorv1.ConnectorServer, opts ServeOptions) {
	logger := opts.Logger
	if logger == nil {
		logger = hclog.New(&hclog.LoggerOptions{
			Name:       opts.Name,
			Level:      hclog.Trace, // the host decides what it keeps
			Output:     os.Stderr,
			JSONFormat: true, // go-plugin parses JSON lines into structured host logs
		})
	}
	interval := opts.ParentCheckInterval
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	go exitWhenOrphaned(logger, os.Getppid(), interval)
	// A service manager stopping the host signals its whole process group
	// (systemd's default). The host drains calls in flight through this
	// connector before it stops it, so the connector must outlive the
	// signal; go-plugin already ignores SIGINT for the same reason. A host
	// that dies instead is noticed by exitWhenOrphaned.
	signal.Ignore(syscall.SIGTERM)

	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(impl),
		Logger:           logger,
		TLSProvider:      serverTLS,
		GRPCServer: func(o []grpc.ServerOption) *grpc.Server {
			o = append(o, serverOptions()...)
			o = append(o,
				grpc.ChainUnaryInterceptor(RecoverUnary(logger)),
				grpc.ChainStreamInterceptor(RecoverStream(logger)),
			)
			return grpc.NewServer(o...)
		},
	})
}

// exitWhenOrphaned ends the plugin when its host is gone. go-plugin leaves
// that to the host, but a host killed with SIGKILL cannot clean up, and a
// connector left running would hold credentials and sockets for nothing.
// When the parent dies the process is re-parented, so its parent PID changes.
func exitWhenOrphaned(logger hclog.Logger, parent int, interval time.Duration) {
	if parent <= 1 {
		return // started by init or by hand: nothing to watch
	}
	for range time.Tick(interval) {
		if os.Getppid() != parent || !processAlive(parent) {
			logger.Warn("host process is gone; connector exits", "host_pid", parent)
			os.Exit(2)
		}
	}
}

// RecoverUnary turns a panic in a unary handler into an Internal error for
// the host, logging the stack, so that one bad record cannot take the whole
// connector down.
func RecoverUnary(logger hclog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = panicError(logger, info.FullMethod, r)
			}
		}()
		return handler(ctx, req)
	}
}

// RecoverStream is RecoverUnary for streaming handlers such as Fetch.
func RecoverStream(logger hclog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = panicError(logger, info.FullMethod, r)
			}
		}()
		return handler(srv, ss)
	}
}

func panicError(logger hclog.Logger, method string, r any) error {
	logger.Error("connector handler panicked", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	st := status.New(codes.Internal, fmt.Sprintf("connector bug: %s panicked: %v (the connector keeps running; report this to its publisher)", method, r))
	if d, err := st.WithDetails(&connectorv1.AppError{
		Kind:    connectorv1.ErrorKind_ERROR_KIND_INTERNAL,
		Message: fmt.Sprintf("panic in %s: %v", method, r),
		Remedy:  "report this to the connector's publisher with the connector's log",
	}); err == nil {
		st = d
	}
	return st.Err()
}
