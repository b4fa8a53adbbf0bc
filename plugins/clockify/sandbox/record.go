package sandbox

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// RequestRecord is one call the sandbox received, for assertions on what a
// client sent. It never holds the credential itself.
type RequestRecord struct {
	// Time is when the request arrived.
	Time time.Time
	// Method is the HTTP method.
	Method string
	// Path is the URL path as sent, e.g. /api/v1/workspaces/…/users.
	Path string
	// Query is the raw query string.
	Query string
	// Status is the HTTP status answered, 0 when the connection was dropped.
	Status int
	// KeyID is the seed's id of the key used, empty when authentication
	// failed.
	KeyID string
	// Fault names the injected fault ("drop", "429", "5xx"), if any.
	Fault string
	// Duration is the time spent answering, injected latency included.
	Duration time.Duration
}

// recorder keeps the request log.
type recorder struct {
	mu   sync.Mutex
	recs []RequestRecord
}

// Requests returns the calls received since start or the last
// ResetRequests, oldest first.
func (s *Server) Requests() []RequestRecord {
	s.recorder.mu.Lock()
	defer s.recorder.mu.Unlock()
	return slices.Clone(s.recorder.recs)
}

// ResetRequests forgets the recorded calls.
func (s *Server) ResetRequests() {
	s.recorder.mu.Lock()
	s.recorder.recs = nil
	s.recorder.mu.Unlock()
}

// reqInfo is filled in by inner layers and read by the recorder.
type reqInfo struct {
	mu    sync.Mutex
	keyID string
	fault string
}

type reqInfoKey struct{}

func setKeyID(ctx context.Context, id string) {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		ri.mu.Lock()
		ri.keyID = id
		ri.mu.Unlock()
	}
}

func setFault(ctx context.Context, f string) {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		ri.mu.Lock()
		ri.fault = f
		ri.mu.Unlock()
	}
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

// recordMiddleware logs every request, including those whose connection
// is dropped (status 0).
func (s *Server) recordMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			rec := RequestRecord{Time: start, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
				Status: sw.status, Duration: time.Since(start)}
			ri.mu.Lock()
			rec.KeyID, rec.Fault = ri.keyID, ri.fault
			ri.mu.Unlock()
			if rec.Fault == "drop" {
				rec.Status = 0
			} else if rec.Status == 0 {
				rec.Status = http.StatusOK
			}
			s.recorder.mu.Lock()
			s.recorder.recs = append(s.recorder.recs, rec)
			s.recorder.mu.Unlock()
			s.log.Debug("request", "method", rec.Method, "path", rec.Path, "status", rec.Status, "key_id", rec.KeyID, "fault", rec.Fault, "duration", rec.Duration)
		}()
		next.ServeHTTP(sw, r)
	})
}
