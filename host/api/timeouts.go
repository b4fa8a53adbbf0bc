package api

import "time"

// Timeouts bound the phases of an HTTP exchange, so a client that sends
// its request slowly, or never reads the answer, holds a connection and
// a goroutine for a bounded time only. See decision 0191.
type Timeouts struct {
	// ReadHeader is how long a client has to send the request line and
	// headers.
	ReadHeader time.Duration
	// Read is how long a client has to send the whole request, body
	// included; a route with Route.BodyTimeout gets that instead.
	Read time.Duration
	// Write is how long the server has to write a plain answer once the
	// request is read; streamed answers are not bound by it.
	Write time.Duration
	// Idle is how long a kept-alive connection waits for its next request.
	Idle time.Duration
}

// DefaultTimeouts are the host's: a JSON body is at most 4 MiB and has
// half a minute; answers have ten minutes, since a data source's plan
// without streaming may take minutes to compute.
var DefaultTimeouts = Timeouts{
	ReadHeader: 10 * time.Second,
	Read:       30 * time.Second,
	Write:      10 * time.Minute,
	Idle:       2 * time.Minute,
}

// withDefaults fills the zero fields from DefaultTimeouts.
func (t Timeouts) withDefaults() Timeouts {
	if t.ReadHeader <= 0 {
		t.ReadHeader = DefaultTimeouts.ReadHeader
	}
	if t.Read <= 0 {
		t.Read = DefaultTimeouts.Read
	}
	if t.Write <= 0 {
		t.Write = DefaultTimeouts.Write
	}
	if t.Idle <= 0 {
		t.Idle = DefaultTimeouts.Idle
	}
	return t
}
