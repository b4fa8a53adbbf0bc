package sandbox

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

//go:generate go run ./internal/specsubset

// subsetSpec is the part of Clockify's official OpenAPI document that the
// sandbox serves, derived by internal/specsubset. It is embedded so that
// validation works wherever the sandbox runs.
//
//go:embed spec/clockify-subset.json
var subsetSpec []byte

// specValidator checks traffic against the subset and keeps the findings.
type specValidator struct {
	router routers.Router
	opts   *openapi3filter.Options

	mu    sync.Mutex
	found []string
}

// loadSubset parses the embedded subset and applies the documented
// corrections (see corrections.go).
func loadSubset(correct bool) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(subsetSpec)
	if err != nil {
		return nil, fmt.Errorf("clockify sandbox: load the embedded spec subset: %w", err)
	}
	if correct {
		applyCorrections(doc)
	}
	// Servers are matched by the middleware, which strips the /api prefix.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	return doc, nil
}

func newSpecValidator() (*specValidator, error) { return buildSpecValidator(true) }

// buildSpecValidator can skip the corrections, which tests use to prove
// that each correction is needed.
func buildSpecValidator(correct bool) (*specValidator, error) {
	doc, err := loadSubset(correct)
	if err != nil {
		return nil, err
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("clockify sandbox: build the spec router: %w", err)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, // the sandbox checks credentials itself
		MultiError:         true,
	}
	// One line per finding: where in the document and why, without the
	// schema dump kin-openapi appends by default.
	opts.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
	})
	return &specValidator{router: router, opts: opts}, nil
}

func (v *specValidator) violations() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.found...)
}

func (v *specValidator) add(format string, args ...any) {
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " | ")
	v.mu.Lock()
	v.found = append(v.found, msg)
	v.mu.Unlock()
}

// middleware validates the request before the API sees it and the response
// after. A request for an operation the spec does not have is a violation
// in itself: a client relying on it relies on something Clockify does not
// document.
func (v *specValidator) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		what := r.Method + " " + r.URL.Path

		probe := r.Clone(r.Context())
		probe.URL.Path = strings.TrimPrefix(r.URL.Path, "/api")
		probe.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := v.router.FindRoute(probe)
		if err != nil {
			v.add("request %s: no such operation in the official spec (%v)", what, err)
			next.ServeHTTP(w, r)
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: v.opts}
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			v.add("request %s: %v", what, err)
		}

		cw := &captureWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		status := cw.status
		if status == 0 {
			status = http.StatusOK
		}
		err = openapi3filter.ValidateResponse(context.WithoutCancel(r.Context()), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: status, Header: w.Header(),
			Body: io.NopCloser(bytes.NewReader(cw.buf.Bytes())), Options: v.opts,
		})
		if err != nil {
			v.add("response %d to %s: %v", status, what, err)
		}
	})
}

// captureWriter passes a response through and keeps a copy to validate.
type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}
