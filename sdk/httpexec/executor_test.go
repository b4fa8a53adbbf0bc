package httpexec

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fastRetry keeps retry tests quick while still exercising the schedule.
var fastRetry = RetryPolicy{MaxAttempts: 4, InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond}

// scripted answers each request with the next status of script, then 200.
func scripted(t *testing.T, script ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(script) {
			w.WriteHeader(script[i])
			_, _ = w.Write([]byte(`{"message":"scripted failure","code":42}`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetriesServerErrorsForGET(t *testing.T) {
	srv, n := scripted(t, 500, 502, 503)
	e := New(Options{Retry: fastRetry})
	resp, err := e.Do(context.Background(), &Request{Method: "GET", URL: srv.URL})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if resp.Attempts != 4 || n.Load() != 4 {
		t.Fatalf("attempts = %d (server saw %d), want 4", resp.Attempts, n.Load())
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	srv, n := scripted(t, 500, 500, 500, 500, 500, 500)
	e := New(Options{Retry: fastRetry})
	_, err := e.Do(context.Background(), &Request{Method: "GET", URL: srv.URL})
	var herr *Error
	if !errors.As(err, &herr) || herr.Status != 500 || herr.Attempts != 4 || n.Load() != 4 {
		t.Fatalf("err = %v, want HTTP 500 after 4 attempts (server saw %d)", err, n.Load())
	}
	if herr.AppMessage != "scripted failure" || herr.AppCode != "42" {
		t.Fatalf("decoded %q/%q, want the app's message and code", herr.AppMessage, herr.AppCode)
	}
	if !errors.Is(err, ErrCallFailed) {
		t.Fatal("error does not wrap ErrCallFailed")
	}
}

func TestPostIsNotRetriedOn500ButOn429And503(t *testing.T) {
	srv, n := scripted(t, 500)
	e := New(Options{Retry: fastRetry})
	if _, err := e.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte("{}")}); err == nil || n.Load() != 1 {
		t.Fatalf("POST after 500: err=%v, attempts=%d; want failure after 1 attempt", err, n.Load())
	}
	srv2, n2 := scripted(t, 429, 503)
	if _, err := e.Do(context.Background(), &Request{Method: "POST", URL: srv2.URL, Body: []byte("{}")}); err != nil || n2.Load() != 3 {
		t.Fatalf("POST after 429, 503: err=%v attempts=%d; want success on the 3rd", err, n2.Load())
	}
	srv3, n3 := scripted(t, 500)
	if _, err := e.Do(context.Background(), &Request{Method: "POST", URL: srv3.URL, Idempotent: true}); err != nil || n3.Load() != 2 {
		t.Fatalf("idempotent POST after 500: err=%v attempts=%d; want success on the 2nd", err, n3.Load())
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, st := range []int{400, 401, 403, 404, 405, 409, 422} {
		srv, n := scripted(t, st)
		e := New(Options{Retry: fastRetry})
		_, err := e.Do(context.Background(), &Request{Method: "GET", URL: srv.URL})
		var herr *Error
		if !errors.As(err, &herr) || herr.Status != st || n.Load() != 1 {
			t.Errorf("status %d: err=%v attempts=%d; want that status after 1 attempt", st, err, n.Load())
		}
	}
}

// dropping accepts connections and closes them after reading the request:
// the request may have been acted on.
func dropping(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func TestNetworkErrorAfterSendRetriesOnlyRepeatableCalls(t *testing.T) {
	url, n := dropping(t)
	e := New(Options{Retry: fastRetry})
	_, err := e.Do(context.Background(), &Request{Method: "POST", URL: url, Body: []byte("{}")})
	if !IsNetwork(err) || n.Load() != 1 {
		t.Fatalf("POST on a dropped connection: err=%v attempts=%d; want a network error after 1 attempt", err, n.Load())
	}
	url2, n2 := dropping(t)
	_, err = e.Do(context.Background(), &Request{Method: "PUT", URL: url2, Body: []byte("{}")})
	if !IsNetwork(err) || n2.Load() != 4 {
		t.Fatalf("PUT on a dropped connection: err=%v attempts=%d; want 4 attempts", err, n2.Load())
	}
}

func TestRefusedConnectionRetriesEvenPOST(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: every dial is refused, nothing is sent
	e := New(Options{Retry: fastRetry})
	_, err = e.Do(context.Background(), &Request{Method: "POST", URL: "http://" + addr + "/x"})
	var herr *Error
	if !errors.As(err, &herr) || herr.Attempts != 4 {
		t.Fatalf("err=%v; want a network error after 4 attempts", err)
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	var n atomic.Int32
	var first time.Time
	var gap time.Duration
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		gap = time.Since(first)
		_, _ = w.Write([]byte("[]"))
	}))
	defer srv.Close()
	e := New(Options{Retry: fastRetry})
	if _, err := e.Do(context.Background(), &Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if gap < 900*time.Millisecond {
		t.Fatalf("retried after %v; Retry-After asked for 1s", gap)
	}
}

func TestRetryAfterBeyondCapFailsAtOnce(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	}))
	defer srv.Close()
	e := New(Options{Retry: RetryPolicy{MaxAttempts: 5, MaxRetryAfter: time.Minute}})
	_, err := e.Do(context.Background(), &Request{Method: "GET", URL: srv.URL})
	var herr *Error
	if !errors.As(err, &herr) || herr.RetryAfter != time.Hour || n.Load() != 1 {
		t.Fatalf("err=%v attempts=%d; want 429 with RetryAfter=1h after 1 attempt", err, n.Load())
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(503)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := New(Options{}).Do(ctx, &Request{Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err=%v after %v; want the deadline, promptly", err, time.Since(start))
	}
}

func TestRateLimitSpacesCalls(t *testing.T) {
	srv, n := scripted(t)
	e := New(Options{Limit: Limit{PerSecond: 50, Burst: 1}})
	start := time.Now()
	for range 11 {
		if _, err := e.Do(context.Background(), &Request{Method: "GET", URL: srv.URL, LimitKey: "ws"}); err != nil {
			t.Fatal(err)
		}
	}
	// 11 calls at 50/s with burst 1 need 10 intervals of 20ms.
	if el := time.Since(start); el < 180*time.Millisecond {
		t.Fatalf("11 calls took %v at 50/s; the limiter did not wait", el)
	}
	if n.Load() != 11 {
		t.Fatalf("server saw %d calls", n.Load())
	}
}

func TestLimitersShareBudgetPerKey(t *testing.T) {
	l := NewLimiters()
	lim := Limit{PerSecond: 1, Burst: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx, "a", lim); err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(context.Background(), "b", lim); err != nil {
		t.Fatalf("key b has its own budget: %v", err)
	}
	if err := l.Wait(ctx, "a", lim); err == nil {
		t.Fatal("second call on key a within a second should wait past the deadline")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Fri, 02 Jan 2026 03:04:15 GMT": 10 * time.Second,
		"Fri, 02 Jan 2026 03:04:00 GMT": 0,
	}
	for v, want := range cases {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := ParseRetryAfter(h, now); got != want {
			t.Errorf("Retry-After %q = %v, want %v", v, got, want)
		}
	}
}

func TestDecodeError(t *testing.T) {
	cases := []struct{ body, msg, code string }{
		{`{"message":"Api key does not exist","code":4003}`, "Api key does not exist", "4003"},
		{`{"error":{"message":"bad","code":"E1"}}`, "bad", "E1"},
		{`{"detail":"nope"}`, "nope", ""},
		{"<html>\nBad gateway</html>", "<html>", ""},
	}
	for _, c := range cases {
		m, code := DecodeError(400, nil, []byte(c.body))
		if m != c.msg || code != c.code {
			t.Errorf("%s: got %q/%q, want %q/%q", c.body, m, code, c.msg, c.code)
		}
	}
}

func TestErrorsDoNotShowQuery(t *testing.T) {
	srv, _ := scripted(t, 400)
	_, err := New(Options{Retry: fastRetry}).Do(context.Background(), &Request{Method: "GET", URL: srv.URL + "/x?key=s3cret"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error %v leaks the query", err)
	}
}

func TestReadBodyWhateverTheAnnouncedLength(t *testing.T) {
	for _, announced := range []int64{-1, 0, 3, 10, 11} {
		resp := &http.Response{ContentLength: announced, Body: io.NopCloser(strings.NewReader("0123456789"))}
		for _, buf := range [][]byte{nil, make([]byte, 0, 4), make([]byte, 0, 64)} {
			resp.Body = io.NopCloser(strings.NewReader("0123456789"))
			got, err := readBody(resp, buf)
			if err != nil || string(got) != "0123456789" {
				t.Errorf("Content-Length %d, buffer of %d: got %q, %v; want the whole body", announced, cap(buf), got, err)
			}
			if cap(buf) >= 11 && &got[0] != &buf[:1][0] {
				t.Errorf("Content-Length %d: a buffer large enough was not reused", announced)
			}
		}
	}
}

func TestErrorBodyDoesNotShareTheBuffer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"nope","code":1}`, http.StatusBadRequest)
	}))
	defer srv.Close()
	buf := make([]byte, 0, 1024)
	_, err := New(Options{Retry: fastRetry}).Do(context.Background(), &Request{Method: "GET", URL: srv.URL, Buffer: buf})
	var herr *Error
	if !errors.As(err, &herr) || len(herr.Body) == 0 {
		t.Fatalf("want an *Error with the body, got %v", err)
	}
	copy(buf[:cap(buf)], strings.Repeat("x", cap(buf)))
	if !strings.Contains(string(herr.Body), "nope") {
		t.Fatalf("the error's body changed with the caller's buffer: %q", herr.Body)
	}
}

// TestA429PausesEveryCallOnTheKey: after one call is refused with
// Retry-After, no call sharing its limit key reaches the app before the
// window ends, although each has its own token.
func TestA429PausesEveryCallOnTheKey(t *testing.T) {
	var (
		refusedAt atomic.Int64
		early     atomic.Int32
		served    atomic.Int32
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if refusedAt.CompareAndSwap(0, now.UnixNano()) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if now.Before(time.Unix(0, refusedAt.Load()).Add(time.Second)) {
			early.Add(1)
		}
		served.Add(1)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	e := New(Options{Retry: RetryPolicy{MaxAttempts: 1}, Limit: Limit{PerSecond: 1000, Burst: 100}})
	req := func() *Request { return &Request{Method: "GET", URL: srv.URL, LimitKey: "workspace-1"} }
	if _, err := e.Do(context.Background(), req()); err == nil {
		t.Fatal("the refused call succeeded")
	}
	errs := make(chan error, 10)
	for range 10 {
		go func() {
			_, err := e.Do(context.Background(), req())
			errs <- err
		}()
	}
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if early.Load() != 0 || served.Load() != 10 {
		t.Fatalf("%d of %d calls reached the app inside the Retry-After window", early.Load(), served.Load())
	}
	// Another key is not held.
	other := &Request{Method: "GET", URL: srv.URL, LimitKey: "workspace-2"}
	if _, err := e.Do(context.Background(), other); err != nil {
		t.Fatal(err)
	}
}

func TestOnGrainRoundsUpToTheNextStep(t *testing.T) {
	step := 10 * time.Millisecond
	base := time.Unix(1_700_000_000, 0)
	cases := map[time.Duration]time.Duration{
		0:                      0,
		time.Nanosecond:        step,
		3 * time.Millisecond:   step,
		step:                   step,
		step + time.Nanosecond: 2 * step,
		25 * time.Millisecond:  3 * step,
	}
	for in, want := range cases {
		if got := onGrain(base.Add(in), step); !got.Equal(base.Add(want)) {
			t.Errorf("onGrain(+%v) = +%v, want +%v", in, got.Sub(base), want)
		}
	}
}

// TestLimitersWithGrainLeaveOnSteps: with a grain, a call that has to wait
// for its token leaves on the first step at or after the token's time, never
// before it, and an ended call takes no token. Only lower bounds are
// checked: a busy machine may start a goroutine late, never early.
func TestLimitersWithGrainLeaveOnSteps(t *testing.T) {
	l := NewLimiters()
	step := 30 * time.Millisecond
	lim := Limit{PerSecond: 100, Burst: 1, Grain: step}
	before := time.Now()
	if err := l.Wait(context.Background(), "k", lim); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 4; k++ {
		if err := l.Wait(context.Background(), "k", lim); err != nil {
			t.Fatal(err)
		}
		left := time.Now()
		// The limiter was made after before, so token k is due no earlier
		// than before + k/100 s, and the call no earlier than that step.
		if earliest := onGrain(before.Add(time.Duration(k)*10*time.Millisecond), step); left.Before(earliest) {
			t.Fatalf("call %d left at %v, before its step at %v", k, left.Sub(before), earliest.Sub(before))
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Wait(ctx, "k", lim); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait returned %v", err)
	}
}
