package sandbox

import (
	"time"

	"github.com/hashicorp/go-hclog"
)

// Options configure a sandbox. The zero value is a useful server: the
// default seed on a free loopback port at Clockify's paid-plan rate limit.
type Options struct {
	// Listen is the TCP address to listen on (default 127.0.0.1:0, a free
	// loopback port).
	Listen string
	// Seed is the initial state; nil means DefaultSeed(). The sandbox works
	// on a copy, so the caller may reuse the seed.
	Seed *Seed
	// Rate is the request rate allowed per workspace, in requests per
	// second, with a burst of the same size (default 50, Clockify's paid
	// plan limit). A negative rate turns the limit off.
	Rate float64
	// Logger receives one debug line per request (never a key); nil
	// discards.
	Logger hclog.Logger
	// ValidateSpec checks every request and response against the subset of
	// Clockify's official OpenAPI document; see SpecViolations.
	ValidateSpec bool
}

// Faults make the sandbox misbehave the way a real service sometimes does,
// so retry and backoff code can be tested. Set them with Server.SetFaults;
// the zero value means no faults.
type Faults struct {
	// Latency delays every answer.
	Latency time.Duration
	// ErrorRate is the share (0..1) of requests answered with a 5xx.
	ErrorRate float64
	// Burst429 makes the next N requests get 429 Too Many Requests.
	Burst429 int
	// RetryAfter is sent in Retry-After on injected 429s (default 1s,
	// rounded up to whole seconds as the header demands).
	RetryAfter time.Duration
	// DropRate is the share (0..1) of requests whose connection is closed
	// without an answer.
	DropRate float64
}

const (
	defaultListen = "127.0.0.1:0"
	defaultRate   = 50
)
