package apiclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
)

func TestRoutePathEscapesEachArgument(t *testing.T) {
	for _, c := range []struct {
		route apiclient.Route
		args  []string
		want  string
	}{
		{apiclient.RouteGetIntegrationsID, []string{"a/b?c"}, "/v1/integrations/a%2Fb%3Fc"},
		{apiclient.RouteGetIntegrationsIDInboundEndpoint, []string{"clockify", "users"}, "/v1/integrations/clockify/inbound/users"},
		{apiclient.Route{Method: "GET", Pattern: "/v1/files/{path...}"}, []string{"a b/c"}, "/v1/files/a%20b/c"},
		{apiclient.Route{Method: "GET", Pattern: "/v1/x/{$}"}, nil, "/v1/x/"},
	} {
		if got := c.route.Path(c.args...); got != c.want {
			t.Errorf("%s with %q = %q, want %q", c.route, c.args, got, c.want)
		}
	}
}

// fakeAPI answers like the host: a JSON value on success, the API's error
// document on failure, and records what it was sent.
type fakeAPI struct {
	got  *http.Request
	body string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.got = r
	buf := new(strings.Builder)
	_, _ = bufCopy(buf, r)
	f.body = buf.String()
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1/integrations/missing"):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"code":"invalid_settings","message":"workspace_id is required","fields":[{"field":"workspace_id","message":"required"}]}}`))
	case r.URL.Path == "/v1/tokens":
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"t1","token":"s3cret","name":"ci","role":"operator"}`))
	case r.URL.Path == "/v1/proxy":
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("bad gateway from a proxy\n"))
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func bufCopy(w *strings.Builder, r *http.Request) (int64, error) {
	if r.Body == nil {
		return 0, nil
	}
	return io.Copy(w, r.Body)
}

// clients returns the same fake served over HTTP and in process: the two
// must behave alike.
func clients(t *testing.T, f *fakeAPI) map[string]*apiclient.Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return map[string]*apiclient.Client{
		"http":       apiclient.New(srv.URL, "tok", srv.Client()),
		"in process": apiclient.New("", "tok", apiclient.Handler{Handler: f}),
	}
}

func TestClientSendsTypedRequestsAndDecodesAnswers(t *testing.T) {
	f := &fakeAPI{}
	for name, c := range clients(t, f) {
		t.Run(name, func(t *testing.T) {
			out, err := c.PostTokens(context.Background(), api.CreateTokenRequest{Name: "ci", Role: api.RoleOperator})
			if err != nil {
				t.Fatal(err)
			}
			if out.Token != "s3cret" || out.Name != "ci" {
				t.Errorf("answer decoded as %+v", out)
			}
			if f.got.Method != http.MethodPost || f.got.Header.Get("Authorization") != "Bearer tok" || f.got.Header.Get("Content-Type") != "application/json" {
				t.Errorf("request %s with headers %v", f.got.Method, f.got.Header)
			}
			if !strings.Contains(f.body, `"name":"ci"`) || !strings.Contains(f.body, `"role":"operator"`) {
				t.Errorf("body %s", f.body)
			}
			if err := c.DeleteTokensID(context.Background(), "a/b", apiclient.Query(url.Values{"why": {"left"}})); err != nil {
				t.Fatal(err)
			}
			if f.got.URL.EscapedPath() != "/v1/tokens/a%2Fb" || f.got.URL.Query().Get("why") != "left" {
				t.Errorf("DELETE went to %s", f.got.URL)
			}
		})
	}
}

func TestClientErrorsCarryTheAPIsCodeAndFields(t *testing.T) {
	f := &fakeAPI{}
	for name, c := range clients(t, f) {
		t.Run(name, func(t *testing.T) {
			_, err := c.PatchIntegrationsIDSettings(context.Background(), "missing", map[string]string{"workspace_id": ""})
			var ae *apiclient.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T), want *apiclient.Error", err, err)
			}
			if ae.Status != http.StatusBadRequest || ae.Code != "invalid_settings" || ae.Message != "workspace_id is required" || !ae.FromAPI() ||
				len(ae.Fields) != 1 || ae.Fields[0].Field != "workspace_id" {
				t.Errorf("error %+v", ae)
			}
			err = c.Call(context.Background(), apiclient.Route{Method: "GET", Pattern: "/v1/proxy"}, nil, nil, nil)
			if !errors.As(err, &ae) || ae.Status != http.StatusBadGateway || ae.FromAPI() || ae.Message != "bad gateway from a proxy" {
				t.Errorf("a non-API error answer became %+v", err)
			}
		})
	}
}

func TestWrapErrorSeesEveryError(t *testing.T) {
	f := &fakeAPI{}
	c := clients(t, f)["in process"]
	wrapped := errors.New("wrapped")
	c.WrapError = func(err error) error { return errors.Join(wrapped, err) }
	if _, err := c.GetIntegrationsID(context.Background(), "missing"); !errors.Is(err, wrapped) {
		t.Errorf("error %v was not wrapped", err)
	}
	if err := c.DeleteTokensID(context.Background(), "x"); err != nil {
		t.Errorf("a success became %v", err)
	}
}

func TestHandlerRefusesAnAnswerLargerThanMaxBody(t *testing.T) {
	big := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`["` + strings.Repeat("x", 2048) + `"]`))
	})
	c := apiclient.New("", "tok", apiclient.Handler{Handler: big, MaxBody: 1024})
	if _, err := c.GetTemplates(context.Background()); !errors.Is(err, apiclient.ErrTooLarge) {
		t.Errorf("error %v, want ErrTooLarge", err)
	}
}

func TestHandlerPassesTheBrowsersAddressOn(t *testing.T) {
	f := &fakeAPI{}
	from := httptest.NewRequest(http.MethodPost, "/integrations/x", nil)
	from.RemoteAddr = "192.0.2.7:5555"
	c := apiclient.New("", "tok", apiclient.Handler{Handler: f, From: from})
	if err := c.DeleteTokensID(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if f.got.RemoteAddr != "192.0.2.7:5555" {
		t.Errorf("the API saw the call from %q", f.got.RemoteAddr)
	}
}
