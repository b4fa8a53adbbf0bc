package sdk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// env is everything one RPC needs to call the app: resolved settings, base
// URL, auth headers, the executor with this integration's limit, and the
// masker for what it reports.
type env struct {
	srv      *server
	settings Settings
	base     *url.URL
	header   http.Header // defaults and auth, cloned per call
	exec     *httpexec.Executor
	mask     *masker
	limitKey string
	// maxBody is how much of each body the host keeps in its exchange
	// record (max_body_bytes); 0 sends bodies whole. See decision 0277.
	maxBody int
}

// newEnv resolves settings for one RPC; ctx is the RPC's, which bounds
// any request the connector's Auth makes for its credentials.
func (s *server) newEnv(ctx context.Context, given map[string]string) (*env, error) {
	settings, err := resolveSettings(s.settings, given)
	if err != nil {
		return nil, err
	}
	rawBase := s.c.BaseURL.Default
	if k := s.c.BaseURL.Setting; k != "" && settings.Get(k) != "" {
		rawBase = settings.Get(k)
	}
	base, err := parseBase(rawBase)
	if err != nil {
		return nil, err
	}
	h := s.header.Clone()
	if s.c.Auth != nil {
		if err := applyAuth(ctx, s.c.Auth, s.client, h, settings); err != nil {
			// A token endpoint's answer may echo what it was sent.
			return nil, &maskedError{err: err, text: newMasker(s.settings, settings, s.c.Auth, nil).str(err.Error())}
		}
	}
	lim := httpexec.Limit{PerSecond: s.c.RateLimit.PerSecond, Burst: s.c.RateLimit.Burst}
	if k := s.c.RateLimit.Setting; k != "" && settings.Get(k) != "" {
		v, err := strconv.ParseFloat(settings.Get(k), 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%w: rate limit %q must be a number of requests per second", ErrInvalidSettings, settings.Get(k))
		}
		lim.PerSecond = v
	}
	key := s.c.Info.ID + "|" + base.Host
	if k := s.c.RateLimit.KeySetting; k != "" {
		key += "|" + settings.Get(k)
	}
	return &env{
		srv:      s,
		settings: settings,
		base:     base,
		header:   h,
		mask:     newMasker(s.settings, settings, s.c.Auth, h),
		limitKey: key,
		exec: httpexec.New(httpexec.Options{
			Client: s.client, Limiters: s.limiters, Limit: lim,
			Retry: s.c.Retry, Decoder: s.decoder, Logger: s.log,
		}),
	}, nil
}

// baseHeader is what every request of c carries before its credentials:
// the SDK's defaults and the connector's Headers. A connector header
// replaces the SDK's default of that name; a name the connector repeats
// is sent with every value.
func baseHeader(c Connector) http.Header {
	h := http.Header{}
	h.Set("User-Agent", "idbridge-connector/"+c.Info.ID+"/"+c.Info.Version)
	h.Set("Accept", "application/json")
	declared := map[string]bool{}
	for _, kv := range c.Headers {
		name := http.CanonicalHeaderKey(kv.Name)
		if declared[name] {
			h.Add(name, kv.Value)
			continue
		}
		declared[name] = true
		h.Set(name, kv.Value)
	}
	return h
}

// call is one request before it is resolved against the base URL.
type call struct {
	method      string
	url         string
	query       []KV
	headers     []KV
	body        []byte
	contentType string
	idempotent  bool
	success     []int
	buffer      []byte // where the answer's body is read (httpexec.Request.Buffer)
}

// do resolves c and sends it. On failure the error is an *httpexec.Error or
// a definition error from resolving.
func (e *env) do(ctx context.Context, c call, paging url.Values) (*httpexec.Response, error) {
	u, err := resolveURL(e.base, c.url, e.settings, c.query)
	if err != nil {
		return nil, err
	}
	if len(paging) > 0 {
		q := u.Query()
		for k, vs := range paging {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	h := e.header.Clone()
	if c.contentType != "" && len(c.body) > 0 {
		h.Set("Content-Type", c.contentType)
	}
	for _, kv := range c.headers {
		h.Set(kv.Name, kv.Value)
	}
	return e.exec.Do(ctx, &httpexec.Request{
		Method: c.method, URL: u.String(), Header: h, Body: c.body,
		LimitKey: e.limitKey, Idempotent: c.idempotent, Buffer: c.buffer,
	}, c.success...)
}

// exchange reports what crossed the wire, secrets masked. Either resp or
// err carries the details.
func (e *env) exchange(body []byte, resp *httpexec.Response, err error) *connectorv1.Exchange {
	var (
		sent     *http.Request
		status   int
		header   http.Header
		rbody    []byte
		attempts int
		dur      time.Duration
	)
	switch {
	case resp != nil:
		sent, status, header, rbody, attempts, dur = resp.Sent, resp.Status, resp.Header, resp.Body, resp.Attempts, resp.Duration
	default:
		herr, ok := asHTTPError(err)
		if !ok {
			return nil
		}
		sent, status, header, rbody, attempts, dur = herr.Sent, herr.Status, herr.Header, herr.Body, herr.Attempts, herr.Duration
	}
	ex := &connectorv1.Exchange{Attempts: int32(attempts), DurationMs: dur.Milliseconds()}
	if sent != nil {
		kept, full := e.mask.cut(body, e.maxBody)
		ex.Request = &connectorv1.HTTPRequest{
			Method:     sent.Method,
			Url:        e.mask.str(sent.URL.String()),
			Headers:    e.mask.headers(sent.Header),
			Body:       kept,
			BodyLength: full,
		}
	}
	if status != 0 {
		kept, full := e.mask.cut(rbody, e.maxBody)
		ex.Response = &connectorv1.HTTPResponse{
			Status:     int32(status),
			Headers:    e.mask.headers(header),
			Body:       kept,
			BodyLength: full,
		}
	}
	return ex
}

// fail converts err into a gRPC status with an AppError, the masked
// exchange attached when there was one, and the connector's remedy.
func (e *env) fail(body []byte, err error) error {
	ae := appErrorOf(err)
	ae.Message = e.mask.str(ae.Message)
	ae.Exchange = e.exchange(body, nil, err)
	e.srv.remedy(ae)
	return statusError(ae)
}

// maskedError is err with secret values masked in its text; errors.Is
// still sees what err wraps, so its kind is kept.
type maskedError struct {
	err  error
	text string
}

// Error is the masked text.
func (e *maskedError) Error() string { return e.text }

// Unwrap exposes the original error for classification.
func (e *maskedError) Unwrap() error { return e.err }
