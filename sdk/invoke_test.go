package sdk

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

func TestInvokeOutputsAndMasking(t *testing.T) {
	var gotBody string
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		if r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(415)
			return
		}
		// An app that echoes the key: the exchange must still not show it.
		fmt.Fprintf(w, `{"id":"new1","echo":%q}`, r.Header.Get("X-Api-Key"))
	})
	cl := dial(t, testConnector(base))
	resp, err := cl.Invoke(context.Background(), &connectorv1.InvokeRequest{
		Settings: testSettings(base), WebhookId: "add-user",
		Call: &connectorv1.RenderedCall{Method: "POST", Url: "/v1/workspaces/{WorkspaceID}/users?note=" + testKey,
			MessageType: JSON, Body: []byte(`{"email":"a@x.io","k":"` + testKey + `"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetOutputs().GetFields()["id"].GetStringValue() != "new1" {
		t.Fatalf("outputs = %v", resp.GetOutputs())
	}
	if !strings.Contains(gotBody, testKey) {
		t.Fatal("the app must receive the real body")
	}
	ex := resp.GetExchange()
	all := ex.GetRequest().GetUrl() + string(ex.GetRequest().GetBody()) + string(ex.GetResponse().GetBody())
	for _, h := range append(ex.GetRequest().GetHeaders(), ex.GetResponse().GetHeaders()...) {
		all += h.GetValue()
	}
	if strings.Contains(all, testKey) || strings.Count(all, Mask) < 4 {
		t.Fatalf("secret visible or not masked everywhere in the exchange: %s", all)
	}
	if !strings.Contains(ex.GetRequest().GetUrl(), "/api/v1/workspaces/ws1/users") {
		t.Fatalf("URL not resolved against the base: %s", ex.GetRequest().GetUrl())
	}
}

func TestInvokeSelectorOutputAndNotFound(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("email") == "b@x.io" {
			fmt.Fprint(w, `[{"id":"1","email":"ab@x.io"},{"id":"2","email":"b@x.io"}]`)
			return
		}
		fmt.Fprint(w, `[]`)
	})
	cl := dial(t, testConnector(base))
	call := func(email string) (*connectorv1.InvokeResponse, error) {
		return cl.Invoke(context.Background(), &connectorv1.InvokeRequest{
			Settings: testSettings(base), WebhookId: "find-user",
			Call: &connectorv1.RenderedCall{Method: "GET", Url: "/v1/workspaces/{WorkspaceID}/users",
				Query: []*connectorv1.KeyValue{{Name: "email", Value: email}}},
		})
	}
	resp, err := call("b@x.io")
	if err != nil || resp.GetOutputs().GetFields()["userId"].GetStringValue() != "2" {
		t.Fatalf("selector output: %v %v; want the exact e-mail's id 2", resp.GetOutputs(), err)
	}
	_, err = call("none@x.io")
	if ae := ErrorFromStatus(err); ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND || ae.GetExchange() == nil {
		t.Fatalf("missing output: %v; want NOT_FOUND with the exchange", ae)
	}
}

func TestInvokeSuccessStatuses(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	cl := dial(t, testConnector(base))
	req := &connectorv1.InvokeRequest{Settings: testSettings(base),
		Call: &connectorv1.RenderedCall{Method: "DELETE", Url: "/v1/things/1"}}
	if _, err := cl.Invoke(context.Background(), req); ErrorFromStatus(err).GetKind() != connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND {
		t.Fatalf("404 without success statuses: %v", err)
	}
	req.SuccessStatuses = []int32{404}
	if _, err := cl.Invoke(context.Background(), req); err != nil {
		t.Fatalf("404 declared a success: %v", err)
	}
}

func TestErrorsAreMapped(t *testing.T) {
	cases := map[int]connectorv1.ErrorKind{
		400: connectorv1.ErrorKind_ERROR_KIND_REJECTED,
		401: connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED,
		403: connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED,
		404: connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND,
		405: connectorv1.ErrorKind_ERROR_KIND_REJECTED,
		409: connectorv1.ErrorKind_ERROR_KIND_REJECTED,
		422: connectorv1.ErrorKind_ERROR_KIND_REJECTED,
		429: connectorv1.ErrorKind_ERROR_KIND_RATE_LIMITED,
		500: connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE,
		503: connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE,
	}
	for st, want := range cases {
		var n atomic.Int32
		base := app(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			if st == 429 {
				w.Header().Set("Retry-After", "0")
			}
			w.WriteHeader(st)
			fmt.Fprint(w, `{"message":"app says no","code":501}`)
		})
		_, err := dial(t, testConnector(base)).Invoke(context.Background(), &connectorv1.InvokeRequest{
			Settings: testSettings(base), Call: &connectorv1.RenderedCall{Method: "GET", Url: "/v1/x"}})
		ae := ErrorFromStatus(err)
		if ae.GetKind() != want || ae.GetHttpStatus() != int32(st) || ae.GetAppCode() != "501" ||
			!strings.Contains(ae.GetMessage(), "app says no") || ae.GetRemedy() == "" || ae.GetExchange().GetResponse().GetStatus() != int32(st) {
			t.Errorf("HTTP %d → %v; want kind %v with status, app code, message, remedy and exchange", st, ae, want)
		}
		wantRetry := st == 429 || st >= 500
		if ae.GetRetryable() != wantRetry {
			t.Errorf("HTTP %d retryable=%v, want %v", st, ae.GetRetryable(), wantRetry)
		}
		if wantRetry && n.Load() != 3 {
			t.Errorf("HTTP %d tried %d times, want 3 (the connector's MaxAttempts)", st, n.Load())
		}
	}
}

func TestNetworkErrorIsUnavailable(t *testing.T) {
	base := "http://127.0.0.1:1/api" // nothing listens on port 1
	_, err := dial(t, testConnector(base)).Invoke(context.Background(), &connectorv1.InvokeRequest{
		Settings: testSettings(base), Call: &connectorv1.RenderedCall{Method: "GET", Url: "/v1/x"}})
	if ae := ErrorFromStatus(err); ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE || !ae.GetRetryable() {
		t.Fatalf("network error → %v; want retryable UNAVAILABLE", ae)
	}
}

func TestInvalidSettings(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) {})
	s := testSettings(base)
	delete(s, "apiKey")
	_, err := dial(t, testConnector(base)).Invoke(context.Background(), &connectorv1.InvokeRequest{
		Settings: s, Call: &connectorv1.RenderedCall{Method: "GET", Url: "/v1/x"}})
	ae := ErrorFromStatus(err)
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS || !strings.Contains(ae.GetMessage(), "apiKey") {
		t.Fatalf("missing key → %v; want INVALID_SETTINGS naming apiKey", ae)
	}
}

func TestInvokeRefusals(t *testing.T) {
	base := app(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request may reach the app") })
	c := testConnector(base)
	c.DisableCustomWebhooks = true
	cl := dial(t, c)
	cases := map[string]*connectorv1.InvokeRequest{
		"no such outbound":         {Settings: testSettings(base), WebhookId: "nope", Call: &connectorv1.RenderedCall{Method: "GET", Url: "/x"}},
		"only its preconfigured":   {Settings: testSettings(base), Call: &connectorv1.RenderedCall{Method: "GET", Url: "/x"}},
		"carries no rendered call": {Settings: testSettings(base), WebhookId: "find-user"},
		"is not an HTTP method":    {Settings: testSettings(base), WebhookId: "find-user", Call: &connectorv1.RenderedCall{Method: "BREW", Url: "/x"}},
	}
	for want, req := range cases {
		_, err := cl.Invoke(context.Background(), req)
		if ae := ErrorFromStatus(err); ae == nil || !strings.Contains(ae.GetMessage(), want) {
			t.Errorf("got %v; want a message containing %q", ae, want)
		}
	}
}

// Connector headers replace the SDK's default of the same name, a repeated
// name is sent with each value, and every call starts from the same
// headers: one call's credentials never leak into the next's.
func TestConnectorHeadersOnEveryCall(t *testing.T) {
	got := make(chan http.Header, 2)
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		fmt.Fprint(w, `{"id":"1"}`)
	})
	c := testConnector(base)
	c.Headers = []KV{{Name: "accept", Value: "application/scim+json"}, {Name: "X-Tag", Value: "a"}, {Name: "x-tag", Value: "b"}}
	cl := dial(t, c)
	for _, key := range []string{testKey, "other-key-123"} {
		settings := testSettings(base)
		settings["apiKey"] = key
		_, err := cl.Invoke(context.Background(), &connectorv1.InvokeRequest{
			Settings: settings, WebhookId: "add-user",
			Call: &connectorv1.RenderedCall{Method: "POST", Url: "/v1/workspaces/{WorkspaceID}/users", MessageType: JSON, Body: []byte(`{}`)},
		})
		if err != nil {
			t.Fatal(err)
		}
		h := <-got
		if a := h.Values("Accept"); len(a) != 1 || a[0] != "application/scim+json" {
			t.Errorf("Accept = %q, want the connector's only", a)
		}
		if tags := h.Values("X-Tag"); strings.Join(tags, ",") != "a,b" {
			t.Errorf("X-Tag = %q, want both values", tags)
		}
		if k := h.Values("X-Api-Key"); len(k) != 1 || k[0] != key {
			t.Errorf("X-Api-Key = %q, want only this call's %q", k, key)
		}
	}
}
