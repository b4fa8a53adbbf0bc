package apiclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ErrTooLarge is returned by Handler when an answer exceeds its MaxBody.
var ErrTooLarge = errors.New("the API's answer is larger than this client buffers: ask for less, e.g. with a narrower filter or a smaller page")

// Handler is a Doer that serves each request with an http.Handler in the
// same process, so the console calls the API exactly as a remote client
// does (same routing, roles, validation and audit) without a network hop.
// See decision 0266.
type Handler struct {
	// Handler is the API server.
	Handler http.Handler
	// From, when set, is the browser's request this call is made for: its
	// remote address and TLS state are passed on, so the audit log
	// records where a change came from.
	From *http.Request
	// MaxBody bounds the answer buffered in memory; zero means no bound.
	MaxBody int64
}

// Do implements Doer.
func (h Handler) Do(req *http.Request) (*http.Response, error) {
	if h.From != nil {
		req.RemoteAddr = h.From.RemoteAddr
		req.TLS = h.From.TLS
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK, max: h.MaxBody}
	h.Handler.ServeHTTP(rec, req)
	if rec.overflow {
		return nil, fmt.Errorf("%s %s: %w (more than %d MiB)", req.Method, req.URL.Path, ErrTooLarge, h.MaxBody>>20)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status)),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.buf.Bytes())),
		ContentLength: int64(rec.buf.Len()),
		Request:       req,
	}, nil
}

// recorder is an in-memory http.ResponseWriter.
type recorder struct {
	header   http.Header
	status   int
	wrote    bool
	buf      bytes.Buffer
	max      int64
	overflow bool
}

// Header implements http.ResponseWriter.
func (r *recorder) Header() http.Header { return r.header }

// WriteHeader implements http.ResponseWriter.
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

// Write implements http.ResponseWriter, refusing more than max bytes so
// the handler stops producing an answer no one will read.
func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if r.max > 0 && int64(r.buf.Len()+len(p)) > r.max {
		r.overflow = true
		return 0, ErrTooLarge
	}
	return r.buf.Write(p)
}

// Flush implements http.Flusher; a streamed answer is buffered whole.
func (r *recorder) Flush() {}
