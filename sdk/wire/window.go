package wire

import "google.golang.org/grpc"

// streamWindow is the HTTP/2 flow-control window of the host–connector
// link. gRPC starts at 64 KiB and only grows it by estimating the link's
// bandwidth-delay product; Fetch streams frames of up to 1 MiB, so with
// the default the connector stalled waiting for window updates and a
// 100,000-record fetch took twice as long out of process as in it. The
// link is a private local socket, so a large fixed window costs only
// memory in flight, bounded by this size per stream and per connection.
const streamWindow = 8 << 20

// socketBuffer is how much gRPC reads or batches per system call on the
// link. At the default 32 KiB a fetch of 100,000 records spent a tenth
// of the connector's CPU in write calls; larger batches cost only memory
// per connection.
const socketBuffer = 256 << 10

// DialOptions are the gRPC options the host dials a connector with.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(streamWindow),
		grpc.WithInitialConnWindowSize(streamWindow),
		grpc.WithReadBufferSize(socketBuffer),
		grpc.WithWriteBufferSize(socketBuffer),
	}
}

// serverOptions are the matching options on the connector's side, for
// the host-to-connector direction.
func serverOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.InitialWindowSize(streamWindow),
		grpc.InitialConnWindowSize(streamWindow),
		grpc.ReadBufferSize(socketBuffer),
		grpc.WriteBufferSize(socketBuffer),
	}
}
