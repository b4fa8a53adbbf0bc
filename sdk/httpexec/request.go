package httpexec

import (
	"net/http"
	"time"
)

// Request is one logical call. Headers must already carry authentication;
// the executor never adds credentials of its own.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// LimitKey selects the rate limiter; calls with the same key share one
	// budget (e.g. one per workspace). Empty means the executor's default key.
	LimitKey string
	// Idempotent marks a call that is safe to repeat although its method is
	// not idempotent by definition (e.g. a POST that adds a member and
	// answers 200 when the member is already there).
	Idempotent bool
	// Buffer, when it has capacity, is where a successful answer's body
	// is read: Response.Body then shares its memory, so the caller must be
	// done with whatever was read into it before. A paged fetch alternates
	// two buffers, so that a page costs no allocation; without one, every
	// body is newly allocated.
	Buffer []byte
}

// Response is the final answer of a call, after retries.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Attempts counts the requests sent, retries included.
	Attempts int
	// Duration is the wall time of the whole call, waits included.
	Duration time.Duration
	// Sent is the last request as it went out (URL and headers), for
	// exchanges shown to admins after masking.
	Sent *http.Request
}

// idempotentMethod reports whether RFC 9110 defines method as idempotent.
func idempotentMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return false
}

// safeToRepeat reports whether the whole request may be sent again after an
// answer or error that leaves its effect unknown.
func (r *Request) safeToRepeat() bool {
	return r.Idempotent || idempotentMethod(r.Method)
}
