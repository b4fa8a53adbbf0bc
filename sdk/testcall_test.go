package sdk

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// meApp answers /me with body for the right key and 401 otherwise, and
// counts the calls.
func meApp(t *testing.T, body string) (string, *atomic.Int32) {
	calls := new(atomic.Int32)
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/api/v1/workspaces/ws1/me" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("X-Api-Key") != testKey {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"key ` + r.Header.Get("X-Api-Key") + ` is unknown"}`))
			return
		}
		_, _ = w.Write([]byte(body))
	})
	return base, calls
}

// meConnector declares a TestCall on /me that wants the admin role.
func meConnector(base string) Connector {
	c := testConnector(base)
	c.Settings = c.Settings[:2]
	c.Auth = DescribedAuth(HeaderAuth("X-Api-Key", "apiKey"), "API key", "the app's key")
	c.Test = &TestCall{URL: "/v1/workspaces/{workspaceId}/me", Account: "user.email",
		Expect: []Expect{{ID: "manage-users", Path: "role", Equals: "admin",
			Otherwise: "the key has the {value} role", Remedy: "use an admin key"}}}
	return c
}

// checks runs Test and returns the checks by id, and the response.
func checks(t *testing.T, c Connector, settings map[string]string) (map[string]*connectorv1.Check, *connectorv1.TestResponse) {
	t.Helper()
	resp, err := dial(t, c).Test(context.Background(), &connectorv1.TestRequest{Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*connectorv1.Check{}
	for _, ch := range resp.GetChecks() {
		out[ch.GetId()] = ch
	}
	return out, resp
}

func TestTestCallPassesWithTheAccount(t *testing.T) {
	base, calls := meApp(t, `{"user":{"email":"ada@example.com"},"role":"admin"}`)
	got, resp := checks(t, meConnector(base), testSettings(base))
	cred, manage := got["credentials"], got["manage-users"]
	if !resp.GetOk() || resp.GetAccount() != "ada@example.com" || calls.Load() != 1 {
		t.Fatalf("ok=%v account=%q calls=%d; want ok, the account from user.email, one call", resp.GetOk(), resp.GetAccount(), calls.Load())
	}
	if cred.GetName() != "API key" || cred.GetStatus() != CheckOK || cred.GetMessage() != "the API key belongs to ada@example.com" {
		t.Errorf("credentials check %v: want it named after the credential, saying whose it is", cred)
	}
	if manage.GetName() != "Manage users" || manage.GetStatus() != CheckOK || manage.GetMessage() != "role is admin" {
		t.Errorf("expect check %v: want passed, named from its id, with the default message", manage)
	}
}

func TestTestCallWarnsOnAMismatch(t *testing.T) {
	base, _ := meApp(t, `{"user":{"email":"bob@example.com"},"role":"reader"}`)
	got, resp := checks(t, meConnector(base), testSettings(base))
	m := got["manage-users"]
	if !resp.GetOk() || m.GetStatus() != CheckWarning || m.GetMessage() != "the key has the reader role" || m.GetRemedy() != "use an admin key" {
		t.Fatalf("ok=%v check=%v; want ok with a warning naming the role found and the remedy", resp.GetOk(), m)
	}
	c := meConnector(base)
	c.Test.Expect[0].Fail = true
	got, resp = checks(t, c, testSettings(base))
	if resp.GetOk() || got["manage-users"].GetStatus() != CheckFailed {
		t.Fatalf("Fail: ok=%v check=%v; want the test failed", resp.GetOk(), got["manage-users"])
	}
}

func TestTestCallSaysWhatTheAnswerLacks(t *testing.T) {
	base, _ := meApp(t, `<html>not json</html>`)
	got, resp := checks(t, meConnector(base), testSettings(base))
	m := got["manage-users"]
	if cred := got["credentials"]; !resp.GetOk() || resp.GetAccount() != "" || cred.GetStatus() != CheckOK || cred.GetMessage() != "the app accepted the API key; its answer has no user.email" {
		t.Fatalf("resp=%v; want the credentials accepted, saying the answer names no account", resp)
	}
	if m.GetStatus() != CheckWarning || !strings.Contains(m.GetMessage(), "the answer has no role") {
		t.Fatalf("check %v: want a warning that the answer has no role", m)
	}
}

func TestTestCallFailsRefusedCredentialsAndSkipsTheRest(t *testing.T) {
	base, calls := meApp(t, `{}`)
	s := testSettings(base)
	s["apiKey"] = "wrong-key-123"
	got, resp := checks(t, meConnector(base), s)
	cred := got["credentials"]
	if resp.GetOk() || cred.GetStatus() != CheckFailed || !strings.Contains(cred.GetMessage(), "is unknown") || strings.Contains(cred.GetMessage(), "wrong-key-123") || cred.GetRemedy() == "" {
		t.Fatalf("credentials %v: want failed with the app's words, the key masked, a remedy", cred)
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls; a 401 is not retried", calls.Load())
	}
	if m := got["manage-users"]; m.GetStatus() != CheckSkipped {
		t.Errorf("expect check %v: want skipped after the call failed", m)
	}
}

func TestTestCallValidation(t *testing.T) {
	c := meConnector("https://app.example")
	c.TestHook = func(context.Context, *Client) (*TestReport, error) { return &TestReport{}, nil }
	c.Test.Expect = append(c.Test.Expect, Expect{ID: "credentials", Path: "x"}, Expect{ID: "roles", Path: "a[="})
	err := c.Validate()
	for _, want := range []string{"Test and TestHook are both set", `expect id "credentials"`, `expect "roles": path "a[="`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want it to say %s", err, want)
		}
	}
	c = meConnector("https://app.example")
	if err := c.Validate(); err != nil {
		t.Fatalf("a valid TestCall: %v", err)
	}
	caps := c.Describe().GetCapabilities()
	if !strings.Contains(strings.Join(capNames(caps), ","), "TEST_PERMISSIONS") {
		t.Errorf("capabilities %v: a declared Test tests permissions", caps)
	}
}

func capNames(cs []connectorv1.Capability) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}
