package connectortest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// Run runs the conformance suite: in-process when cfg.Connector is set,
// through the real plugin binary when cfg.Plugin is set.
func Run(t *testing.T, cfg Config) {
	t.Helper()
	if cfg.Connector.Info.ID == "" && cfg.Plugin == "" {
		t.Fatal("connectortest: set Config.Connector, Config.Plugin or both")
	}
	if cfg.Connector.Info.ID != "" {
		t.Run("in-process", func(t *testing.T) { suite(goT{t}, cfg, settingsFor(t, cfg), InProcess(t, cfg.Connector)) })
	}
	if cfg.Plugin != "" {
		t.Run("plugin", func(t *testing.T) { suite(goT{t}, cfg, settingsFor(t, cfg), Plugin(t, cfg.Plugin)) })
	}
}

// kit is one run of the suite against one connector client.
type kit struct {
	cfg      Config
	cl       connectorv1.ConnectorClient
	desc     *connectorv1.DescribeResponse
	upstream *url.URL
	settings map[string]string // pointing at the main proxy
	proxy    *proxy
	secrets  []string
}

// settingsFor returns cfg.Start's settings, or cfg.Settings.
func settingsFor(t *testing.T, cfg Config) map[string]string {
	if cfg.Start != nil {
		return cfg.Start(t)
	}
	return cfg.Settings
}

// RunClient runs the conformance suite under go test against a connector
// the caller has already connected to, however it was launched.
func RunClient(t *testing.T, cfg Config, cl connectorv1.ConnectorClient) {
	t.Helper()
	suite(goT{t}, cfg, settingsFor(t, cfg), cl)
}

func suite(t T, cfg Config, settings map[string]string, cl connectorv1.ConnectorClient) {
	k := &kit{cfg: cfg, cl: cl}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout())
	defer cancel()
	d, err := cl.Describe(ctx, &connectorv1.DescribeRequest{})
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	k.desc = d
	base := settings[cfg.BaseURLSetting]
	if cfg.BaseURLSetting == "" || base == "" {
		t.Fatalf("Config.BaseURLSetting must name the setting that holds the test server's URL (got %q = %q)", cfg.BaseURLSetting, base)
	}
	if k.upstream, err = url.Parse(base); err != nil {
		t.Fatalf("base URL %q: %v", base, err)
	}
	k.proxy = newProxy(t, k.upstream)
	k.settings = k.via(k.proxy)
	for key, v := range settings {
		if key != cfg.BaseURLSetting {
			k.settings[key] = v
		}
	}
	for _, s := range d.GetSettings() {
		if s.GetSecret() && settings[s.GetKey()] != "" {
			k.secrets = append(k.secrets, settings[s.GetKey()])
		}
	}

	t.Run("describe", func(t T) {
		for _, p := range describeProblems(d) {
			t.Error(p)
		}
	})
	t.Run("endpoints", func(t T) {
		for _, e := range d.GetEndpoints() {
			t.Run(e.GetId(), func(t T) { k.fetches(t, e) })
		}
	})
	t.Run("webhooks", func(t T) {
		for _, w := range d.GetWebhooks() {
			t.Run(w.GetId(), func(t T) { k.invokes(t, w) })
		}
	})
	t.Run("errors", k.errorsMapped)
	t.Run("foreign-host-refused", k.foreignHost)
	t.Run("retries-5xx", k.retries5xx)
	t.Run("steady-state-no-429", k.steadyState)
}

// via returns settings whose base URL goes through p.
func (k *kit) via(p *proxy) map[string]string {
	s := maps.Clone(k.settings)
	if s == nil {
		s = map[string]string{}
	}
	s[k.cfg.BaseURLSetting] = p.srv.URL + k.upstream.Path
	return s
}

// fetch runs a Fetch of a preconfigured endpoint (up to maxPages, 0 for
// all) and returns its messages.
func (k *kit) fetch(settings map[string]string, id string, maxPages int32) ([]*connectorv1.FetchResponse, error) {
	return k.fetchReq(&connectorv1.FetchRequest{
		Settings: settings, Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: id},
		MaxPages: maxPages, IncludeExchange: true,
	})
}

// fetchCustom runs a custom endpoint to its end.
func (k *kit) fetchCustom(settings map[string]string, e *connectorv1.EndpointSpec) ([]*connectorv1.FetchResponse, error) {
	return k.fetchReq(&connectorv1.FetchRequest{Settings: settings, Endpoint: &connectorv1.FetchRequest_Custom{Custom: e}})
}

func (k *kit) fetchReq(req *connectorv1.FetchRequest) ([]*connectorv1.FetchResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), k.cfg.timeout())
	defer cancel()
	st, err := k.cl.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	var out []*connectorv1.FetchResponse
	for {
		m, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

// leaks reports secrets that appear in text.
func (k *kit) leaks(text string) bool {
	for _, s := range k.secrets {
		if len(s) >= 4 && strings.Contains(text, s) {
			return true
		}
	}
	return false
}

func exchangeText(ex *connectorv1.Exchange) string {
	var b strings.Builder
	b.WriteString(ex.GetRequest().GetUrl())
	b.Write(ex.GetRequest().GetBody())
	b.Write(ex.GetResponse().GetBody())
	for _, h := range append(ex.GetRequest().GetHeaders(), ex.GetResponse().GetHeaders()...) {
		b.WriteString(h.GetValue())
	}
	return b.String()
}

// fetches checks that endpoint e runs to its end: the first exchange
// reported and masked, every record carrying the primary key, no primary
// key twice. When the connector accepts custom endpoints it fetches the
// same endpoint again with another page size, so records that an
// off-by-one loses or repeats at page edges show up as a difference.
func (k *kit) fetches(t T, e *connectorv1.EndpointSpec) {
	for _, p := range k.fetchProblems(e) {
		t.Error(p)
	}
}

// fetchProblems is the check of fetches, as sentences.
func (k *kit) fetchProblems(e *connectorv1.EndpointSpec) []string {
	msgs, err := k.fetch(k.settings, e.GetId(), 0)
	if err != nil {
		return []string{fmt.Sprintf("Fetch %s: %s", e.GetId(), describeErr(err))}
	}
	if len(msgs) == 0 || msgs[0].GetExchange() == nil {
		return []string{fmt.Sprintf("Fetch %s: the first message must carry the exchange when asked", e.GetId())}
	}
	var out []string
	if ex := msgs[0].GetExchange(); k.leaks(exchangeText(ex)) {
		out = append(out, fmt.Sprintf("Fetch %s: a secret setting appears unmasked in the exchange", e.GetId()))
	}
	keys, problems := primaryKeys(msgs, e.GetPrimaryKey())
	for _, p := range problems {
		out = append(out, fmt.Sprintf("Fetch %s: %s", e.GetId(), p))
	}
	other, ok := k.otherPageSize(e)
	if !ok || len(problems) > 0 {
		return out
	}
	size, otherSize := e.GetPaging().GetPageSize(), other.GetPaging().GetPageSize()
	again, err := k.fetchCustom(k.settings, other)
	if err != nil {
		return append(out, fmt.Sprintf("Fetch %s with page size %d: %s", e.GetId(), otherSize, describeErr(err)))
	}
	keys2, problems := primaryKeys(again, e.GetPrimaryKey())
	for _, p := range problems {
		out = append(out, fmt.Sprintf("Fetch %s with page size %d: %s", e.GetId(), otherSize, p))
	}
	if lost, extra := diff(keys, keys2); len(lost)+len(extra) > 0 {
		out = append(out, fmt.Sprintf("Fetch %s reads different records at page size %d than at %d: %d only at %d (first %q), %d only at %d (first %q); records are lost or repeated at page edges",
			e.GetId(), size, otherSize, len(lost), size, first(lost), len(extra), otherSize, first(extra)))
	}
	return out
}

// otherPageSize is e as a custom endpoint whose page edges fall elsewhere,
// or false when the connector takes no custom endpoints or e has no page
// size to change.
func (k *kit) otherPageSize(e *connectorv1.EndpointSpec) (*connectorv1.EndpointSpec, bool) {
	p := e.GetPaging()
	if p.GetPageSize() < 2 || p.GetSizeParam() == "" || !slices.Contains(k.desc.GetCapabilities(), connectorv1.Capability_CAPABILITY_CUSTOM_ENDPOINTS) {
		return nil, false
	}
	c := proto.Clone(e).(*connectorv1.EndpointSpec)
	c.Id = ""
	c.Paging.PageSize = p.GetPageSize()/2 + 1
	if c.Paging.PageSize == p.GetPageSize() {
		c.Paging.PageSize = p.GetPageSize() + 1
	}
	return c, true
}

// primaryKeys collects the records' primary keys in order and names
// records without one and keys seen twice.
func primaryKeys(msgs []*connectorv1.FetchResponse, pk string) ([]string, []string) {
	var keys, problems []string
	seen := map[string]int{}
	n := 0
	for _, m := range msgs {
		for _, r := range m.GetRecords() {
			n++
			if pk == "" || strings.Contains(pk, "[") {
				continue
			}
			v, ok := fieldAt(r, pk)
			if !ok {
				problems = append(problems, fmt.Sprintf("record %d lacks the primary key %q", n, pk))
				return keys, problems
			}
			if at, dup := seen[v]; dup {
				problems = append(problems, fmt.Sprintf("records %d and %d share the primary key %s=%q: a page repeated records", at, n, pk, v))
				continue
			}
			seen[v] = n
			keys = append(keys, v)
		}
	}
	return keys, problems
}

// fieldAt reads a dotted path in a record as text.
func fieldAt(r *structpb.Struct, path string) (string, bool) {
	var v *structpb.Value = structpb.NewStructValue(r)
	for _, seg := range strings.Split(path, ".") {
		f, ok := v.GetStructValue().GetFields()[seg]
		if !ok {
			return "", false
		}
		v = f
	}
	switch x := v.AsInterface().(type) {
	case nil:
		return "", false
	case string:
		return x, true
	default:
		return fmt.Sprint(x), true
	}
}

// diff returns the keys only in a and only in b.
func diff(a, b []string) (onlyA, onlyB []string) {
	inB := map[string]bool{}
	for _, k := range b {
		inB[k] = true
	}
	inA := map[string]bool{}
	for _, k := range a {
		inA[k] = true
		if !inB[k] {
			onlyA = append(onlyA, k)
		}
	}
	for _, k := range b {
		if !inA[k] {
			onlyB = append(onlyB, k)
		}
	}
	return onlyA, onlyB
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// invokes checks that webhook w runs with the author's sample.
func (k *kit) invokes(t T, w *connectorv1.WebhookSpec) {
	vars, ok := k.cfg.Samples[w.GetId()]
	if !ok {
		t.Fatalf("no sample inputs for webhook %q: add Config.Samples[%q] (with idbridge plugin conform: an entry %q in the --samples file)", w.GetId(), w.GetId(), w.GetId())
	}
	ctx, cancel := context.WithTimeout(context.Background(), k.cfg.timeout())
	defer cancel()
	res, err := Invoke(ctx, k.cl, k.settings, w, vars)
	if err != nil {
		t.Fatalf("Invoke %s: %v", w.GetId(), err)
	}
	ex := res.Exchange
	if ex.GetRequest() == nil || ex.GetResponse() == nil {
		t.Fatalf("Invoke %s: no exchange returned", w.GetId())
	}
	if k.leaks(exchangeText(ex)) {
		t.Errorf("Invoke %s: a secret setting appears unmasked in the exchange", w.GetId())
	}
	if ex.GetResponse().GetStatus() == 204 {
		return // no content, so no outputs (see the SDK's Invoke)
	}
	for _, o := range w.GetOutputs() {
		if _, ok := res.Outputs[o.GetName()]; !ok {
			t.Errorf("Invoke %s: output %q missing", w.GetId(), o.GetName())
		}
	}
}

// Invoked is what Invoke returns: the outputs as a plain map (strings,
// float64s, bools, nested maps and slices, as encoding/json decodes) and
// the masked exchange.
type Invoked struct {
	Outputs  map[string]any
	Exchange *connectorv1.Exchange
}

// Invoke renders webhook w with vars as the host renders macros and runs
// it, for an author's own tests and for tools that drive any connector.
// A macro vars lacks is an error before anything is sent; the
// connector's error is returned with its kind and remedy in the text.
func Invoke(ctx context.Context, cl connectorv1.ConnectorClient, settings map[string]string, w *connectorv1.WebhookSpec, vars map[string]string) (*Invoked, error) {
	call, outs, missing := Render(w, vars)
	if len(missing) > 0 {
		return nil, fmt.Errorf("the inputs lack macros %v", missing)
	}
	resp, err := cl.Invoke(ctx, &connectorv1.InvokeRequest{
		Settings: settings, WebhookId: w.GetId(), Call: call, Outputs: outs, SuccessStatuses: w.GetSuccessStatuses(),
	})
	if err != nil {
		return nil, errors.New(describeErr(err))
	}
	return &Invoked{Outputs: resp.GetOutputs().AsMap(), Exchange: resp.GetExchange()}, nil
}

// describeErr renders a connector error with its kind and remedy.
func describeErr(err error) string {
	return sdk.FormatAppError(sdk.ErrorFromStatus(err))
}

// firstEndpoint is the endpoint the error and rate checks use.
func (k *kit) firstEndpoint(t T) string {
	if len(k.desc.GetEndpoints()) == 0 {
		t.Skip("the connector declares no endpoint to exercise errors with")
	}
	return k.desc.GetEndpoints()[0].GetId()
}

// errorsMapped checks bad credentials and injected statuses.
func (k *kit) errorsMapped(t T) {
	id := k.firstEndpoint(t)
	t.Run("bad-credentials", func(t T) {
		s := maps.Clone(k.settings)
		changed := false
		for _, st := range k.desc.GetSettings() {
			if st.GetSecret() && s[st.GetKey()] != "" {
				s[st.GetKey()] = "conformance-invalid-" + s[st.GetKey()][:min(3, len(s[st.GetKey()]))]
				changed = true
			}
		}
		if !changed {
			t.Skip("no secret setting to spoil")
		}
		_, err := k.fetch(s, id, 1)
		ae := sdk.ErrorFromStatus(err)
		if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED {
			t.Fatalf("with a wrong credential, Fetch gave %v; want UNAUTHENTICATED", ae)
		}
		if ae.GetRemedy() == "" || ae.GetRetryable() {
			t.Errorf("a refused credential needs a remedy and is not retryable: %v", ae)
		}
	})
	cases := []struct {
		status int
		kind   connectorv1.ErrorKind
	}{
		{400, connectorv1.ErrorKind_ERROR_KIND_REJECTED},
		{401, connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED},
		{403, connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED},
		{404, connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND},
		{405, connectorv1.ErrorKind_ERROR_KIND_REJECTED},
		{409, connectorv1.ErrorKind_ERROR_KIND_REJECTED},
		{422, connectorv1.ErrorKind_ERROR_KIND_REJECTED},
		{429, connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED},
		{500, connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE},
		{503, connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE},
	}
	for _, c := range cases {
		t.Run(statusName(c.status), func(t T) {
			t.Parallel() // retried statuses wait out the connector's backoff
			p := newProxy(t, k.upstream)
			p.fail(1000, c.status, "")
			_, err := k.fetch(k.via(p), id, 1)
			ae := sdk.ErrorFromStatus(err)
			if ae.GetKind() != c.kind || ae.GetHttpStatus() != int32(c.status) {
				t.Fatalf("HTTP %d gave %v; want %v with the status", c.status, ae, c.kind)
			}
			if ae.GetMessage() == "" || ae.GetRemedy() == "" {
				t.Errorf("HTTP %d: message and remedy are required: %v", c.status, ae)
			}
			if k.leaks(ae.GetMessage() + exchangeText(ae.GetExchange())) {
				t.Errorf("HTTP %d: a secret appears in the error", c.status)
			}
			want := c.status == 429 || c.status >= 500
			if ae.GetRetryable() != want {
				t.Errorf("HTTP %d: retryable=%v, want %v", c.status, ae.GetRetryable(), want)
			}
			if n, _ := p.counts(); want && n < 2 {
				t.Errorf("HTTP %d was not retried (%d request)", c.status, n)
			}
		})
	}
}

func statusName(st int) string { return "http-" + itoa(st) }

// retries5xx checks that transient 5xx answers never reach the caller.
func (k *kit) retries5xx(t T) {
	id := k.firstEndpoint(t)
	p := newProxy(t, k.upstream)
	p.fail(2, 500, "")
	if _, err := k.fetch(k.via(p), id, 1); err != nil {
		t.Fatalf("two 500s then success: Fetch failed: %s", describeErr(err))
	}
	if n, _ := p.counts(); n != 3 {
		t.Errorf("the app saw %d requests; want 3 (two failures, one success)", n)
	}
	p.reset()
	p.fail(1, 503, "1")
	if _, err := k.fetch(k.via(p), id, 1); err != nil {
		t.Fatalf("503 with Retry-After then success: Fetch failed: %s", describeErr(err))
	}
}

// steadyState runs calls from several workers against a server enforcing
// the connector's declared limit: none may fail with 429.
func (k *kit) steadyState(t T) {
	id := k.firstEndpoint(t)
	rl := k.desc.GetRateLimit()
	if rl.GetRequestsPerSecond() <= 0 {
		t.Skip("no declared rate limit")
	}
	p := newProxy(t, k.upstream)
	p.limit(rl.GetRequestsPerSecond(), int(rl.GetBurst()))
	calls := k.cfg.SteadyStateCalls
	if calls <= 0 {
		calls = int(2*rl.GetRequestsPerSecond()) + int(rl.GetBurst())
	}
	settings := k.via(p)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []string
	)
	work := make(chan struct{}, calls)
	for range calls {
		work <- struct{}{}
	}
	close(work)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				if _, err := k.fetch(settings, id, 1); err != nil {
					mu.Lock()
					failed = append(failed, describeErr(err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	n, limited := p.counts()
	t.Logf("%d calls, %d requests, %d answered 429 by the limit and retried", calls, n, limited)
	if len(failed) > 0 {
		t.Fatalf("%d of %d calls failed at the declared rate; first: %s", len(failed), calls, failed[0])
	}
}

// foreignHost checks that a custom endpoint pointing at another host is
// refused before any request, so an admin's definition cannot send the
// connector's credentials elsewhere.
func (k *kit) foreignHost(t T) {
	other := newProxy(t, k.upstream) // a different host:port than the base URL
	ctx, cancel := context.WithTimeout(context.Background(), k.cfg.timeout())
	defer cancel()
	st, err := k.cl.Fetch(ctx, &connectorv1.FetchRequest{Settings: k.settings, Endpoint: &connectorv1.FetchRequest_Custom{
		Custom: &connectorv1.EndpointSpec{Method: "GET", Url: other.srv.URL + "/steal",
			Paging: &connectorv1.Paging{Kind: connectorv1.PagingKind_PAGING_KIND_NONE}},
	}})
	if err == nil {
		_, err = st.Recv()
	}
	ae := sdk.ErrorFromStatus(err)
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS {
		t.Errorf("a custom endpoint on another host gave %v; want INVALID_SETTINGS", ae)
	}
	if n, _ := other.counts(); n != 0 {
		t.Errorf("the other host received %d request(s)", n)
	}
}
