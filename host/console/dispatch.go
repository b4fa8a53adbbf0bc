package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

// API is what the console needs of the API server: its handler, through
// which every call is dispatched, and its route table, from which pages
// learn what exists and who may do it. *api.Server implements it.
type API interface {
	http.Handler
	Routes() []api.Route
}

// maxAnswer bounds an API answer the console buffers for one page; lists
// bigger than this belong to the CLI's --output json.
const maxAnswer = 32 << 20

// answer is one API call's outcome as a page sees it.
type answer struct {
	// Status is the HTTP status the API answered.
	Status int
	// Body is the raw JSON answer (empty for 204).
	Body []byte
	// Err is the API's error message, set when Status is not 2xx.
	Err string
	// Code is the API's stable error code, e.g. "forbidden".
	Code string
	// Fields are the API's problems with single input fields.
	Fields []api.FieldError
}

// ok reports a 2xx answer.
func (a answer) ok() bool { return a.Status >= 200 && a.Status < 300 }

// decode reads the answer's JSON into v.
func (a answer) decode(v any) error {
	if len(a.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(a.Body, v); err != nil {
		return fmt.Errorf("read the API's answer: %w", err)
	}
	return nil
}

// value decodes the answer into generic JSON values, keeping numbers as
// written.
func (a answer) value() any {
	if len(a.Body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(a.Body)
	}
	return v
}

// dispatcher calls the API in-process as the session's principal.
type dispatcher struct {
	api API
}

// call runs one API request through the API server's handler with the
// session's token and returns its answer. The browser's address is passed
// on so the audit log records where the change came from.
func (d dispatcher) call(ctx context.Context, from *http.Request, token, method, path string, body io.Reader, contentType string) answer {
	req, err := http.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		return answer{Status: http.StatusBadRequest, Code: "invalid_request", Err: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if from != nil {
		req.RemoteAddr = from.RemoteAddr
		req.TLS = from.TLS
	}
	rec := newRecorder()
	d.api.ServeHTTP(rec, req)
	a := answer{Status: rec.status, Body: rec.buf.Bytes()}
	if rec.overflow {
		return answer{Status: http.StatusInsufficientStorage, Code: "too_large",
			Err: fmt.Sprintf("the answer is larger than %d MiB; use the CLI with --output json", maxAnswer>>20)}
	}
	if !a.ok() {
		var e struct {
			Error struct {
				Code    string           `json:"code"`
				Message string           `json:"message"`
				Fields  []api.FieldError `json:"fields"`
			} `json:"error"`
		}
		if json.Unmarshal(a.Body, &e) == nil && e.Error.Message != "" {
			a.Err, a.Code, a.Fields = e.Error.Message, e.Error.Code, e.Error.Fields
		} else {
			a.Err = strings.TrimSpace(string(a.Body))
			if a.Err == "" {
				a.Err = http.StatusText(a.Status)
			}
		}
	}
	return a
}

// callJSON is call with a JSON-encoded body (nil sends none).
func (d dispatcher) callJSON(ctx context.Context, from *http.Request, token, method, path string, v any) answer {
	if v == nil {
		return d.call(ctx, from, token, method, path, nil, "")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return answer{Status: http.StatusBadRequest, Code: "invalid_request", Err: err.Error()}
	}
	return d.call(ctx, from, token, method, path, bytes.NewReader(b), "application/json")
}

// recorder is an in-memory http.ResponseWriter for dispatched calls.
type recorder struct {
	header   http.Header
	status   int
	wrote    bool
	buf      bytes.Buffer
	overflow bool
}

func newRecorder() *recorder { return &recorder{header: http.Header{}, status: http.StatusOK} }

// Header implements http.ResponseWriter.
func (r *recorder) Header() http.Header { return r.header }

// WriteHeader implements http.ResponseWriter.
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

// Write implements http.ResponseWriter, refusing more than maxAnswer bytes.
func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if r.buf.Len()+len(p) > maxAnswer {
		r.overflow = true
		return 0, fmt.Errorf("answer larger than %d bytes", maxAnswer)
	}
	return r.buf.Write(p)
}

// Flush lets streaming handlers flush; the answer is buffered anyway.
func (r *recorder) Flush() {}
