package sdk

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// recordingTransport sends through http.DefaultTransport and records the
// path of every request, as a connector author's test transport would.
type recordingTransport struct {
	mu    sync.Mutex
	paths []string
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.paths = append(rt.paths, r.URL.Path)
	rt.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (rt *recordingTransport) seen() string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return strings.Join(rt.paths, " ")
}

// tokenServer serves the token endpoint with handle.
func tokenServer(t *testing.T, handle http.HandlerFunc) string {
	srv := httptest.NewServer(handle)
	t.Cleanup(srv.Close)
	return srv.URL + "/oauth/token"
}

// issueToken answers a token request with a token valid for an hour.
func issueToken(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"access_token":"at-42-abcdef","token_type":"Bearer","expires_in":3600}`)
}

// oauthConnector is authConnector with the client credentials grant
// against tokenURL.
func oauthConnector(base, tokenURL string, wrap func(Auth) Auth) Connector {
	auth := OAuth2ClientCredentials(OAuth2{TokenURL: tokenURL, ClientIDSetting: "clientId", ClientSecretSetting: "clientSecret"})
	return authConnector(base, wrap(auth), Setting{Key: "clientId"}, Setting{Key: "clientSecret", Secret: true})
}

var oauthSettings = map[string]string{"clientId": "client-1", "clientSecret": "client-secret-1"}

// TestOAuth2TokenRequestsUseTheConnectorsClient: the token request goes
// through the connector's HTTP client, as the app calls do, whether or
// not the Auth is wrapped by DescribedAuth.
func TestOAuth2TokenRequestsUseTheConnectorsClient(t *testing.T) {
	for name, wrap := range map[string]func(Auth) Auth{
		"plain":     func(a Auth) Auth { return a },
		"described": func(a Auth) Auth { return DescribedAuth(a, "Client secret", "The OAuth client's secret.") },
	} {
		t.Run(name, func(t *testing.T) {
			base, _ := authApp(t, func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer at-42-abcdef" })
			c := oauthConnector(base, tokenServer(t, issueToken), wrap)
			rt := &recordingTransport{}
			c.HTTPClient = &http.Client{Transport: rt}
			if _, err := invokeMe(t, c, oauthSettings); err != nil {
				t.Fatal(err)
			}
			if got := rt.seen(); got != "/oauth/token /api/me" {
				t.Fatalf("the connector's transport saw %q, want the token request, then the call", got)
			}
		})
	}
}

// blockingTokenServer accepts token requests and never answers: each
// request's arrival is sent on arrived and its end (the client gave up)
// on ended.
func blockingTokenServer(t *testing.T) (url string, arrived, ended chan struct{}) {
	arrived, ended = make(chan struct{}, 4), make(chan struct{}, 4)
	release := make(chan struct{})
	url = tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice when the client hangs up.
		_ = r.ParseForm()
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
			ended <- struct{}{}
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	return url, arrived, ended
}

// TestOAuth2SlowTokenEndpointHitsTheClientsTimeout: a token endpoint that
// does not answer fails the call when the connector's client times out,
// as unavailable and retryable, not as wrong credentials.
func TestOAuth2SlowTokenEndpointHitsTheClientsTimeout(t *testing.T) {
	tokenURL, _, _ := blockingTokenServer(t)
	base, calls := authApp(t, func(*http.Request) bool { return true })
	c := oauthConnector(base, tokenURL, func(a Auth) Auth { return a })
	c.HTTPClient = &http.Client{Timeout: 200 * time.Millisecond}
	_, err := invokeMe(t, c, oauthSettings)
	ae := ErrorFromStatus(err)
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE || !ae.GetRetryable() ||
		!strings.Contains(ae.GetMessage(), "Client.Timeout") || !strings.Contains(ae.GetMessage(), tokenURL) ||
		!strings.Contains(ae.GetRemedy(), "token URL") {
		t.Fatalf("a token endpoint that does not answer: %v", ae)
	}
	if calls.Load() != 0 {
		t.Fatal("the app was called without a token")
	}
}

// TestOAuth2TokenRequestEndsWithTheCall: cancelling the call that waits
// for a token ends the token request too.
func TestOAuth2TokenRequestEndsWithTheCall(t *testing.T) {
	tokenURL, arrived, ended := blockingTokenServer(t)
	base, _ := authApp(t, func(*http.Request) bool { return true })
	cl := dial(t, oauthConnector(base, tokenURL, func(a Auth) Auth { return a }))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := cl.Invoke(ctx, &connectorv1.InvokeRequest{Settings: oauthSettings, WebhookId: "me",
			Call: &connectorv1.RenderedCall{Method: "GET", Url: "/me"}})
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; ErrorFromStatus(err).GetKind() != connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE {
		t.Fatalf("a cancelled call: %v", err)
	}
	select {
	case <-ended:
	case <-time.After(20 * time.Second): // a safety net; the token timeout is 30 s
		t.Fatal("the token request went on after its call was cancelled")
	}
}

// TestOAuth2TokenEndpointFailures: a failing endpoint is unavailable and
// retryable; a refusal is a settings problem; secrets the endpoint echoes
// are masked.
func TestOAuth2TokenEndpointFailures(t *testing.T) {
	tokenURL := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, secret, ok := r.BasicAuth()
		if !ok {
			secret = r.FormValue("client_secret") // the second way the library tries
		}
		switch secret {
		case "client-secret-busy":
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":"temporarily_unavailable"}`)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":"invalid_client","error_description":"no client with secret %s"}`, secret)
		}
	})
	base, _ := authApp(t, func(*http.Request) bool { return true })
	c := oauthConnector(base, tokenURL, func(a Auth) Auth { return a })
	_, err := invokeMe(t, c, map[string]string{"clientId": "client-1", "clientSecret": "client-secret-busy"})
	if ae := ErrorFromStatus(err); ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_UNAVAILABLE || !ae.GetRetryable() || !strings.Contains(ae.GetMessage(), "temporarily_unavailable") {
		t.Fatalf("a token endpoint answering 503: %v", ae)
	}
	_, err = invokeMe(t, c, map[string]string{"clientId": "client-1", "clientSecret": "client-secret-wrong"})
	ae := ErrorFromStatus(err)
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS || !strings.Contains(ae.GetMessage(), "no client with secret "+Mask) ||
		strings.Contains(ae.GetMessage(), "client-secret-wrong") {
		t.Fatalf("a refusal echoing the secret: %v", ae)
	}
}
