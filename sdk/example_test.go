package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"google.golang.org/grpc/metadata"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// A connector is a declaration; its main is `sdk.Serve(Connector())`.
// NewServer gives the same service in-process, here to show what Describe
// reports.
func Example_declaration() {
	c := sdk.Connector{
		Info: sdk.Info{ID: "acme", Name: "Acme HR", Version: "1.0.0"},
		Settings: []sdk.Setting{
			{Key: "tenant", Label: "Tenant", Required: true},
			{Key: "token", Label: "API token", Required: true, Secret: true},
		},
		BaseURL:   sdk.BaseURL{Default: "https://api.acme.example/v2"},
		Auth:      sdk.BearerAuth("token"),
		RateLimit: sdk.RateLimit{PerSecond: 10, Burst: 2, KeySetting: "tenant"},
		Endpoints: []sdk.Endpoint{{
			ID: "list-people", Name: "List People", URL: "/tenants/{tenant}/people", RecordsPath: "data",
			Paging:     sdk.Paging{Kind: sdk.Cursor, PageParam: "after", CursorPath: "next"},
			Fields:     []sdk.Field{{Path: "id", Type: sdk.FieldString}, {Path: "email", Type: sdk.FieldString}},
			PrimaryKey: "id",
		}},
	}
	srv, err := sdk.NewServer(c, sdk.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := srv.Describe(context.Background(), &connectorv1.DescribeRequest{})
	fmt.Println(d.GetInfo().GetId(), d.GetProtocolVersion(), d.GetEndpoints()[0].GetUrl(), d.GetSettings()[1].GetSecret())
	// Output: acme 1 /tenants/{tenant}/people true
}

// Invoke sends a call the host rendered and returns the outputs and the
// exchange with the credentials masked.
func Example_invoke() {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"id":"g1","sent":%s}`, body)
	}))
	defer app.Close()
	c := sdk.Connector{
		Info:     sdk.Info{ID: "acme", Version: "1.0.0"},
		Settings: []sdk.Setting{{Key: "key", Required: true, Secret: true}},
		BaseURL:  sdk.BaseURL{Default: app.URL},
		Auth:     sdk.HeaderAuth("X-Api-Key", "key"),
		Webhooks: []sdk.Webhook{{ID: "create-group", Method: "POST", URL: "/groups", Body: `{"name":"%name%"}`,
			Outputs: []sdk.Output{{Name: "groupId", Path: "id"}}}},
	}
	srv, _ := sdk.NewServer(c, sdk.Options{})
	resp, err := srv.Invoke(context.Background(), &connectorv1.InvokeRequest{
		Settings:  map[string]string{"key": "s3cr3t-key"},
		WebhookId: "create-group",
		Call:      &connectorv1.RenderedCall{Method: "POST", Url: "/groups", MessageType: sdk.JSON, Body: []byte(`{"name":"Sales"}`)},
	})
	if err != nil {
		fmt.Println(sdk.FormatAppError(sdk.ErrorFromStatus(err)))
		return
	}
	for _, h := range resp.GetExchange().GetRequest().GetHeaders() {
		if h.GetName() == "X-Api-Key" {
			fmt.Println("X-Api-Key:", h.GetValue())
		}
	}
	fmt.Println("groupId:", resp.GetOutputs().GetFields()["groupId"].GetStringValue())
	// Output:
	// X-Api-Key: ****
	// groupId: g1
}

// The host reads a connector's error with ErrorFromStatus: the kind tells
// it what to do, the remedy what to tell the admin.
func ExampleErrorFromStatus() {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Api key does not exist","code":4003}`)
	}))
	defer app.Close()
	c := sdk.Connector{
		Info:      sdk.Info{ID: "acme", Version: "1.0.0"},
		Settings:  []sdk.Setting{{Key: "key", Required: true, Secret: true}},
		BaseURL:   sdk.BaseURL{Default: app.URL},
		Auth:      sdk.HeaderAuth("X-Api-Key", "key"),
		Endpoints: []sdk.Endpoint{{ID: "users", URL: "/users"}},
	}
	srv, _ := sdk.NewServer(c, sdk.Options{})
	err := srv.Fetch(&connectorv1.FetchRequest{Settings: map[string]string{"key": "wrong"},
		Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "users"}}, discard{})
	ae := sdk.ErrorFromStatus(err)
	fmt.Println(ae.GetKind(), ae.GetHttpStatus(), ae.GetAppCode(), ae.GetRetryable())
	// Output: ERROR_KIND_UNAUTHENTICATED 401 4003 false
}

// discard is a Fetch stream that drops what it is sent, for the example.
type discard struct{}

func (discard) Send(*connectorv1.FetchResponse) error { return nil }
func (discard) SetHeader(metadata.MD) error           { return nil }
func (discard) SendHeader(metadata.MD) error          { return nil }
func (discard) SetTrailer(metadata.MD)                {}
func (discard) Context() context.Context              { return context.Background() }
func (discard) SendMsg(any) error                     { return nil }
func (discard) RecvMsg(any) error                     { return errors.New("not a client stream") }

// The standard settings need no declaration of their own: the SDK declares
// the base URL, the credential of a DescribedAuth and the rate setting,
// after the connector's own settings and in that order.
func ExampleDescribedAuth() {
	c := sdk.Connector{
		Info:     sdk.Info{ID: "acme", Name: "Acme HR", Version: "1.0.0"},
		Settings: []sdk.Setting{{Key: "tenant", Label: "Tenant", Required: true}},
		BaseURL:  sdk.BaseURL{Setting: "baseUrl", Default: "https://api.acme.example"},
		Auth: sdk.DescribedAuth(sdk.BearerAuth("token"), "API token",
			"A token from Acme's admin settings; sent as Authorization: Bearer."),
		RateLimit: sdk.RateLimit{PerSecond: 5, Setting: "rateLimit"},
	}
	for _, s := range c.Describe().GetSettings() {
		fmt.Printf("%s %q required=%t secret=%t default=%q\n", s.GetKey(), s.GetLabel(), s.GetRequired(), s.GetSecret(), s.GetDefaultValue())
	}
	// Output:
	// tenant "Tenant" required=true secret=false default=""
	// baseUrl "Base URL" required=false secret=false default="https://api.acme.example"
	// token "API token" required=true secret=true default=""
	// rateLimit "Requests per second" required=false secret=false default="5"
}

// roundTripFunc is an http.RoundTripper made of a function, for the
// example's in-memory app.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// OAuth 2.0 token requests go through Connector.HTTPClient like the app's
// calls, so one proxy, CA pool or test transport serves both. Here the
// transport answers the token endpoint and the app from memory.
func ExampleOAuth2ClientCredentials() {
	transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		fmt.Println(r.Method, r.URL.Host+r.URL.Path)
		body := `{"id":"u1"}`
		if r.URL.Path == "/oauth/token" {
			body = `{"access_token":"tok-123456","token_type":"Bearer","expires_in":3600}`
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	c := sdk.Connector{
		Info:     sdk.Info{ID: "acme", Version: "1.0.0"},
		Settings: []sdk.Setting{{Key: "clientId", Required: true}, {Key: "clientSecret", Required: true, Secret: true}},
		BaseURL:  sdk.BaseURL{Default: "https://api.acme.example"},
		Auth: sdk.OAuth2ClientCredentials(sdk.OAuth2{TokenURL: "https://login.acme.example/oauth/token",
			ClientIDSetting: "clientId", ClientSecretSetting: "clientSecret"}),
		HTTPClient: &http.Client{Transport: transport, Timeout: 30 * time.Second},
		Webhooks: []sdk.Webhook{{ID: "me", Method: "GET", URL: "/me", Idempotent: true,
			Outputs: []sdk.Output{{Name: "userId", Path: "id"}}}},
	}
	srv, _ := sdk.NewServer(c, sdk.Options{})
	resp, err := srv.Invoke(context.Background(), &connectorv1.InvokeRequest{
		Settings:  map[string]string{"clientId": "client-1", "clientSecret": "client-secret-1"},
		WebhookId: "me",
		Call:      &connectorv1.RenderedCall{Method: "GET", Url: "/me"},
	})
	if err != nil {
		fmt.Println(sdk.FormatAppError(sdk.ErrorFromStatus(err)))
		return
	}
	fmt.Println("userId:", resp.GetOutputs().GetFields()["userId"].GetStringValue())
	// Output:
	// POST login.acme.example/oauth/token
	// GET api.acme.example/me
	// userId: u1
}
