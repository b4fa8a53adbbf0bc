package sdk

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// authApp answers /me with 200 when ok accepts the request, else 401, and
// counts requests.
func authApp(t *testing.T, ok func(r *http.Request) bool) (string, *atomic.Int32) {
	var n atomic.Int32
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if !ok(r) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"who are you?"}`)
			return
		}
		fmt.Fprint(w, `{"id":"me"}`)
	})
	return base, &n
}

// authConnector declares one lookup webhook and auth.
func authConnector(base string, auth Auth, settings ...Setting) Connector {
	return Connector{
		Info:     Info{ID: "authapp", Name: "Auth app", Version: "1.0.0"},
		Settings: append([]Setting{{Key: "baseUrl", Type: URL}}, settings...),
		BaseURL:  BaseURL{Setting: "baseUrl", Default: base},
		Auth:     auth,
		Webhooks: []Webhook{{ID: "me", Name: "Me", Method: "GET", URL: "/me", Idempotent: true, Outputs: []Output{{Name: "id", Path: "id"}}}},
	}
}

// invokeMe calls the lookup and returns the masked request headers.
func invokeMe(t *testing.T, c Connector, settings map[string]string) (string, error) {
	t.Helper()
	resp, err := dial(t, c).Invoke(t.Context(), &connectorv1.InvokeRequest{Settings: settings, WebhookId: "me",
		Call: &connectorv1.RenderedCall{Method: "GET", Url: "/me"}})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, h := range resp.GetExchange().GetRequest().GetHeaders() {
		fmt.Fprintf(&b, "%s: %s\n", h.GetName(), h.GetValue())
	}
	return b.String(), nil
}

func TestBasicAuthAgainstAServer(t *testing.T) {
	base, _ := authApp(t, func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == "svc" && p == "s3cret-pass"
	})
	c := authConnector(base, BasicAuth("user", "password"), Setting{Key: "user"}, Setting{Key: "password", Secret: true})
	shown, err := invokeMe(t, c, map[string]string{"user": "svc", "password": "s3cret-pass"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown, base64.StdEncoding.EncodeToString([]byte("svc:s3cret-pass"))) || !strings.Contains(shown, "Authorization: ****") {
		t.Fatalf("the credentials are not masked in the exchange:\n%s", shown)
	}
	_, err = invokeMe(t, c, map[string]string{"user": "svc", "password": "wrong"})
	if ErrorFromStatus(err).GetKind() != connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED {
		t.Fatalf("a wrong password: %v", err)
	}
}

func TestBearerAuthAgainstAServer(t *testing.T) {
	base, _ := authApp(t, func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer tok-123456" })
	c := authConnector(base, BearerAuth("token"), Setting{Key: "token", Secret: true})
	shown, err := invokeMe(t, c, map[string]string{"token": "tok-123456"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown, "tok-123456") {
		t.Fatalf("the token is not masked:\n%s", shown)
	}
	_, err = invokeMe(t, c, map[string]string{})
	if ErrorFromStatus(err).GetKind() != connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS {
		t.Fatalf("no token: %v", err)
	}
}

// TestOAuth2ClientCredentialsAgainstAServer: the connector trades its
// client credentials for a token once, reuses it, sends it as a bearer
// token, masks it, and reports refused credentials as a settings problem.
func TestOAuth2ClientCredentialsAgainstAServer(t *testing.T) {
	var issued atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if r.FormValue("grant_type") != "client_credentials" || id != "client-1" || secret != "client-secret-1" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"unknown client"}`)
			return
		}
		if r.FormValue("scope") != "users.read users.write" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"at-42-abcdef","token_type":"Bearer","expires_in":3600}`)
	}))
	t.Cleanup(tokens.Close)
	base, calls := authApp(t, func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer at-42-abcdef" })
	c := authConnector(base, OAuth2ClientCredentials(OAuth2{TokenURL: tokens.URL + "/oauth/token",
		ClientIDSetting: "clientId", ClientSecretSetting: "clientSecret", Scopes: []string{"users.read", "users.write"}}),
		Setting{Key: "clientId"}, Setting{Key: "clientSecret", Secret: true})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{"clientId": "client-1", "clientSecret": "client-secret-1"}
	cl := dial(t, c)
	for range 3 {
		resp, err := cl.Invoke(t.Context(), &connectorv1.InvokeRequest{Settings: settings, WebhookId: "me",
			Call: &connectorv1.RenderedCall{Method: "GET", Url: "/me"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range resp.GetExchange().GetRequest().GetHeaders() {
			if strings.Contains(h.GetValue(), "at-42-abcdef") {
				t.Fatal("the access token is not masked in the exchange")
			}
		}
	}
	if calls.Load() != 3 || issued.Load() != 1 {
		t.Fatalf("%d calls, %d tokens issued; want 3 calls on one token", calls.Load(), issued.Load())
	}
	_, err := invokeMe(t, c, map[string]string{"clientId": "client-1", "clientSecret": "wrong"})
	ae := ErrorFromStatus(err)
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS || !strings.Contains(ae.GetMessage(), "invalid_client") || strings.Contains(ae.GetMessage(), "wrong") {
		t.Fatalf("refused credentials: %v", ae)
	}
}
