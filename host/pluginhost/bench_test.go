//go:build !windows

package pluginhost_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"

	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// launchesPerRun is the number of launches measured per benchmark
// iteration, so the percentiles always rest on at least this many samples.
const launchesPerRun = 60

// BenchmarkLaunchToFirstDescribe measures from "no process" to the first
// Describe answer: exec, checksum, handshake, (mTLS), dial, one call.
func BenchmarkLaunchToFirstDescribe(b *testing.B) {
	for _, tc := range []struct {
		name string
		mtls bool
	}{{"mtls", true}, {"plain", false}} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := pluginhost.Config{DisableMTLS: !tc.mtls}
			p := plugin(b, bins.connector)
			var samples []time.Duration
			for b.Loop() {
				for range launchesPerRun {
					sup := pluginhost.NewSupervisor(cfg)
					h, _ := sup.Add("bench", p)
					start := time.Now()
					if _, err := h.Describe(context.Background(), &connectorv1.DescribeRequest{}); err != nil {
						b.Fatal(err)
					}
					samples = append(samples, time.Since(start))
					b.StopTimer()
					sup.Shutdown(context.Background())
					b.StartTimer()
				}
			}
			reportPercentiles(b, samples, "ms", time.Millisecond)
		})
	}
}

// BenchmarkUnaryRoundTrip measures one small unary call (Test) to a running
// plugin, with the production default of mTLS and without.
func BenchmarkUnaryRoundTrip(b *testing.B) {
	for _, tc := range []struct {
		name string
		mtls bool
	}{{"mtls", true}, {"plain", false}} {
		b.Run(tc.name, func(b *testing.B) {
			_, h := supervise(b, pluginhost.Config{DisableMTLS: !tc.mtls}, plugin(b, bins.connector))
			ctx := context.Background()
			if err := h.Start(ctx); err != nil {
				b.Fatal(err)
			}
			req := &connectorv1.TestRequest{Settings: map[string]string{"apiKey": "x"}}
			samples := make([]time.Duration, 0, 10000)
			for b.Loop() {
				start := time.Now()
				if _, err := h.Test(ctx, req); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, time.Since(start))
			}
			reportPercentiles(b, samples, "µs", time.Microsecond)
		})
	}
}

// BenchmarkFetchThroughput streams 100,000 small records (three fields
// each) per iteration at several batch sizes and reports records/s. The
// test connector builds structpb values, the slowest way a connector can.
// Handle.Fetch decodes with the SDK's fast decoder; "proto-decoder" forces
// gRPC's generic one for comparison.
func BenchmarkFetchThroughput(b *testing.B) {
	const records = 100_000
	cases := []struct {
		name  string
		batch int
		opts  []grpc.CallOption
	}{
		{"batch=100", 100, nil},
		{"batch=500", 500, nil},
		{"batch=1000", 1000, nil},
		{"batch=5000", 5000, nil},
		{"batch=1000/proto-decoder", 1000, []grpc.CallOption{grpc.ForceCodecV2(encoding.GetCodecV2(proto.Name))}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			_, h := supervise(b, pluginhost.Config{}, plugin(b, bins.connector))
			if err := h.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			var total int
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				total += drain(b, h, records, tc.batch, tc.opts...)
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(total)/elapsed.Seconds(), "records/s")
		})
	}
}

func drain(b *testing.B, h *pluginhost.Handle, count, batch int, opts ...grpc.CallOption) int {
	stream, err := h.Fetch(context.Background(), &connectorv1.FetchRequest{
		Endpoint:  &connectorv1.FetchRequest_EndpointId{EndpointId: "records"},
		Settings:  map[string]string{"count": itoa(count)},
		BatchSize: int32(batch),
	}, opts...)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			if n != count {
				b.Fatalf("got %d records, want %d", n, count)
			}
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n += len(msg.Records)
	}
}

// reportPercentiles reports p50 and p95 of samples in unit and the number
// of samples they rest on.
func reportPercentiles(b *testing.B, samples []time.Duration, unit string, scale time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(q float64) float64 {
		return float64(samples[int(q*float64(len(samples)-1))]) / float64(scale)
	}
	b.ReportMetric(at(0.50), "p50-"+unit)
	b.ReportMetric(at(0.95), "p95-"+unit)
	b.ReportMetric(float64(len(samples)), "samples")
}
