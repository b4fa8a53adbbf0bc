package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// start runs a sandbox for one test and stops it afterwards.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Rate == 0 {
		opts.Rate = -1 // most tests are not about the rate limit
	}
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// response is one answer, fully read.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiErr decodes Clockify's error envelope, failing if code is not a number.
func (r response) apiErr(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.json(t, &e)
	return e
}

// do sends one request with the given key ("" for none).
func do(t *testing.T, s *Server, key, method, path, body string) response {
	t.Helper()
	r, err := send(s, key, method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// send is do without the test, for goroutines, which must not call
// t.Fatal.
func send(s *Server, key, method, path, body string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.BaseURL()+path, rd)
	if err != nil {
		return response{}, err
	}
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: res.StatusCode, header: res.Header, body: b}, nil
}

// wantError asserts status, code and message of an error answer.
func wantError(t *testing.T, r response, status, code int, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	e := r.apiErr(t)
	if e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("error = %+v, want code %d message %q", e, code, msg)
	}
}

const ws = "/v1/workspaces/" + DefaultWorkspaceID

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
