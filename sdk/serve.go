package sdk

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/encoding"

	"github.com/idbridge/idbridge/sdk/wire"
)

// Serve runs c as a go-plugin connector until the host stops it; it is the
// whole of a connector's main. A declaration that does not validate ends
// the process with the reason on stderr, which the host shows.
func Serve(c Connector) {
	logger := hclog.New(&hclog.LoggerOptions{
		Name:       c.Info.ID,
		Level:      hclog.Trace,
		Output:     os.Stderr,
		JSONFormat: true,
	})
	tuneGC()
	// Installing the codec replaces gRPC's "proto" codec in this process
	// only; it must happen before any gRPC server or client exists.
	encoding.RegisterCodecV2(WireCodec())
	impl, err := NewServer(c, Options{Logger: logger, PreEncoded: true})
	if err != nil {
		fmt.Fprintf(os.Stderr, "connector %q cannot start: %v\n", c.Info.ID, err)
		os.Exit(1)
	}
	wire.Serve(impl, wire.ServeOptions{Name: c.Info.ID, Logger: logger})
}

// connectorGCPercent is the garbage collector's target for a connector
// process, unless GOGC says otherwise. A connector keeps almost nothing
// live: pages pass through it. With Go's default of 100 and a heap of a
// few megabytes, a fetch of 100,000 records ran a collection every few
// pages, and the collector's pauses held up the stream; at 400 a
// connector's heap stays in the tens of megabytes and a large fetch is
// about a quarter faster.
const connectorGCPercent = 400

// tuneGC applies connectorGCPercent when the operator has not set GOGC.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(connectorGCPercent)
	}
}
