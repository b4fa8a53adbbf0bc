package httpexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"
)

// MaxBodyBytes bounds a response body read into memory; a larger answer is
// a misconfigured endpoint (no paging), not data to buffer.
const MaxBodyBytes = 64 << 20

// Options configures an Executor. Only Client may be shared freely; the
// zero value of every other field has a sensible default.
type Options struct {
	// Client sends the requests; nil means a client with keep-alive
	// connections and a 60 s timeout per attempt.
	Client *http.Client
	// Limiters is the process's registry of rate limiters; nil means a
	// private one.
	Limiters *Limiters
	// Limit is the budget applied to every call's LimitKey.
	Limit Limit
	// Retry bounds the retries.
	Retry RetryPolicy
	// Decoder reads the app's error bodies; nil means DecodeError.
	Decoder ErrorDecoder
	// Logger receives one debug line per retry; nil discards. URLs are
	// logged without their query, where secrets may hide.
	Logger hclog.Logger
}

// Executor sends calls with rate limiting and retries. It is safe for
// concurrent use.
type Executor struct {
	client   *http.Client
	limiters *Limiters
	limit    Limit
	retry    RetryPolicy
	decode   ErrorDecoder
	log      hclog.Logger
	now      func() time.Time
}

// New returns an Executor for opts.
func New(opts Options) *Executor {
	e := &Executor{
		client:   opts.Client,
		limiters: opts.Limiters,
		limit:    opts.Limit,
		retry:    opts.Retry.withDefaults(),
		decode:   opts.Decoder,
		log:      opts.Logger,
		now:      time.Now,
	}
	if e.client == nil {
		e.client = DefaultClient()
	}
	if e.limiters == nil {
		e.limiters = NewLimiters()
	}
	if e.decode == nil {
		e.decode = DecodeError
	}
	if e.log == nil {
		e.log = hclog.NewNullLogger()
	}
	return e
}

// DefaultClient returns the HTTP client connectors use unless they bring
// their own: enough idle connections per host for a rate-limited stream of
// calls to one API, and reads of 64 KiB, since a paged list answers with
// pages of hundreds of kilobytes that the default 4 KiB buffer reads in a
// system call each.
func DefaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ReadBufferSize = 64 << 10
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}

// Do sends req until it succeeds (2xx or a status in success), the retry
// rule forbids another attempt, the attempts run out, or ctx ends. A failure
// is an *Error, or the context's error while waiting.
func (e *Executor) Do(ctx context.Context, req *Request, success ...int) (*Response, error) {
	start := e.now()
	b := e.retry.newBackOff()
	for attempt := 1; ; attempt++ {
		if err := e.limiters.Wait(ctx, req.LimitKey, e.limit); err != nil {
			return nil, fmt.Errorf("waiting for the rate limit before %s %s: %w", req.Method, redact(req.URL), err)
		}
		resp, herr, retry := e.attempt(ctx, req, success)
		if herr == nil {
			resp.Attempts, resp.Duration = attempt, e.now().Sub(start)
			return resp, nil
		}
		herr.Attempts, herr.Duration = attempt, e.now().Sub(start)
		if herr.RetryAfter > 0 && (herr.Status == http.StatusTooManyRequests || herr.Status == http.StatusServiceUnavailable) {
			// The app refuses everything on this budget until then: hold
			// every call sharing it, not only this one. See decision 0172.
			e.limiters.Pause(req.LimitKey, e.now().Add(herr.RetryAfter))
		}
		if !retry || attempt >= e.retry.MaxAttempts {
			return nil, herr
		}
		wait := b.NextBackOff()
		if herr.RetryAfter > 0 {
			if herr.RetryAfter > e.retry.MaxRetryAfter {
				return nil, herr // the host's queue waits better than we do
			}
			wait = herr.RetryAfter
		}
		e.log.Debug("retrying app call", "method", req.Method, "url", redact(req.URL),
			"status", herr.Status, "attempt", attempt, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (gave up waiting to retry after: %v)", context.Cause(ctx), herr)
		}
	}
}

// attempt sends req once. It returns the response on success, or the error
// and whether the retry rule allows another attempt.
func (e *Executor) attempt(ctx context.Context, req *Request, success []int) (*Response, *Error, bool) {
	gotConn := false
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn = true },
	})
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(tctx, req.Method, req.URL, body)
	if err != nil {
		return nil, &Error{Method: req.Method, URL: redact(req.URL), Err: fmt.Errorf("building the request: %w", err)}, false
	}
	if req.Header != nil {
		hreq.Header = req.Header.Clone()
	}
	hresp, err := e.client.Do(hreq)
	if err != nil {
		herr := &Error{Method: req.Method, URL: redact(req.URL), Err: err, Sent: hreq}
		if ctx.Err() != nil {
			herr.Err = context.Cause(ctx)
			return nil, herr, false
		}
		// Nothing reached the app without a connection, so any method may
		// be sent again; afterwards only a repeatable call may.
		return nil, herr, !gotConn || req.safeToRepeat()
	}
	defer hresp.Body.Close()
	data, err := readBody(hresp, req.Buffer)
	if err == nil && len(data) > MaxBodyBytes {
		err = fmt.Errorf("response body exceeds %d MiB; page the endpoint with a smaller page size", MaxBodyBytes>>20)
		return nil, &Error{Method: req.Method, URL: redact(req.URL), Status: hresp.StatusCode, Err: err, Sent: hreq}, false
	}
	if err != nil {
		herr := &Error{Method: req.Method, URL: redact(req.URL), Err: fmt.Errorf("reading the response: %w", err), Sent: hreq}
		return nil, herr, ctx.Err() == nil && req.safeToRepeat()
	}
	if isSuccess(hresp.StatusCode, success) {
		return &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: data, Sent: hreq}, nil, false
	}
	data = bytes.Clone(data) // an error outlives the caller's buffer
	msg, code := e.decode(hresp.StatusCode, hresp.Header, data)
	herr := &Error{
		Method: req.Method, URL: redact(req.URL), Status: hresp.StatusCode,
		Header: hresp.Header, Body: data, AppMessage: msg, AppCode: code,
		RetryAfter: ParseRetryAfter(hresp.Header, e.now()), Sent: hreq,
	}
	return nil, herr, retryableStatus(hresp.StatusCode, req)
}

// readBody reads the whole body, up to one byte past MaxBodyBytes, into
// buf's memory when it has capacity. With a Content-Length the buffer is
// sized once: io.ReadAll's doubling from 512 bytes allocated twice a
// page's size on every paged fetch.
func readBody(hresp *http.Response, buf []byte) ([]byte, error) {
	r := io.LimitReader(hresp.Body, MaxBodyBytes+1)
	n := hresp.ContentLength
	if n > MaxBodyBytes {
		n = -1
	}
	if cap(buf) == 0 && n < 0 {
		return io.ReadAll(r)
	}
	buf = buf[:0]
	if n >= 0 && cap(buf) < int(n)+1 { // +1: the final read sees EOF without growing
		buf = make([]byte, 0, n+1)
	}
	for {
		if len(buf) == cap(buf) { // longer than announced, or unannounced
			buf = append(buf, 0)[:len(buf)]
		}
		k, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// isSuccess reports whether status is 2xx or one of the extra successes.
func isSuccess(status int, extra []int) bool {
	return (status >= 200 && status < 300) || slices.Contains(extra, status)
}

// IsNetwork reports whether err is a call that got no HTTP answer.
func IsNetwork(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == 0
}
