package tutorial_test

import (
	"context"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/plugins/tutorial"
	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// TestWebhooksChangeTheTenant runs the onboarding and offboarding calls in
// the order a template would, and checks the server's state after each.
func TestWebhooksChangeTheTenant(t *testing.T) {
	srv := startAcme(t, acmeapi.Options{})
	cl := connectortest.InProcess(t, tutorial.Connector())
	s := settingsFor(srv, acmeapi.DefaultAdminKey)

	resp, err := invoke(t, cl, s, "add-user", map[string]string{"email": "ada@acme.example", "name": "Ada", "teamId": "t_ops"})
	if err != nil {
		t.Fatalf("add-user: %v", err)
	}
	id := resp.GetOutputs().GetFields()["userId"].GetStringValue()
	if u, ok := srv.User(id); !ok || u.Email != "ada@acme.example" || u.Team != "t_ops" || !u.Active {
		t.Fatalf("after add-user, user %q is %+v (found %v)", id, u, ok)
	}

	resp, err = invoke(t, cl, s, "find-user-by-email", map[string]string{"email": "ada@acme.example"})
	if err != nil {
		t.Fatalf("find-user-by-email: %v", err)
	}
	if got := resp.GetOutputs().GetFields()["userId"].GetStringValue(); got != id {
		t.Errorf("find-user-by-email returned %q; want %q", got, id)
	}

	for range 2 { // deactivation is idempotent: twice is fine
		if _, err := invoke(t, cl, s, "deactivate-user", map[string]string{"userId": id}); err != nil {
			t.Fatalf("deactivate-user: %v", err)
		}
	}
	if u, _ := srv.User(id); u.Active {
		t.Error("the user is still active after deactivate-user")
	}
}

// TestAppErrorsCarryAcmesCodeAndRemedy checks that the error decoder and
// the remedies reach the host: the app's code, its words and the advice.
func TestAppErrorsCarryAcmesCodeAndRemedy(t *testing.T) {
	srv := startAcme(t, acmeapi.Options{})
	cl := connectortest.InProcess(t, tutorial.Connector())
	cases := []struct {
		name, key, webhook string
		vars               map[string]string
		kind               connectorv1.ErrorKind
		code, remedy       string
	}{
		{"existing e-mail", acmeapi.DefaultAdminKey, "add-user",
			map[string]string{"email": "user0001@acme.example", "name": "Dup", "teamId": ""},
			connectorv1.ErrorKind_ERROR_KIND_REJECTED, acmeapi.CodeEmailTaken, "Find user by email"},
		{"reader key", acmeapi.DefaultReaderKey, "deactivate-user",
			map[string]string{"userId": "u_0002"},
			connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED, acmeapi.CodeForbidden, "admin role"},
		{"revoked key", "revoked-key-000", "deactivate-user",
			map[string]string{"userId": "u_0002"},
			connectorv1.ErrorKind_ERROR_KIND_UNAUTHENTICATED, acmeapi.CodeInvalidKey, "Settings → API keys"},
		{"unknown user", acmeapi.DefaultAdminKey, "deactivate-user",
			map[string]string{"userId": "u_9999"},
			connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND, acmeapi.CodeNotFound, "does not exist"},
		{"nobody with that e-mail", acmeapi.DefaultAdminKey, "find-user-by-email",
			map[string]string{"email": "nobody@acme.example"},
			connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := invoke(t, cl, settingsFor(srv, c.key), c.webhook, c.vars)
			ae := appError(t, err)
			if ae.GetKind() != c.kind || ae.GetAppCode() != c.code {
				t.Fatalf("got kind %v code %q (%s); want %v code %q", ae.GetKind(), ae.GetAppCode(), ae.GetMessage(), c.kind, c.code)
			}
			if !strings.Contains(ae.GetRemedy(), c.remedy) {
				t.Errorf("remedy %q does not mention %q", ae.GetRemedy(), c.remedy)
			}
			if strings.Contains(ae.GetMessage(), c.key) {
				t.Error("the API key appears in the error message")
			}
		})
	}
	if u, _ := srv.User("u_0002"); !u.Active {
		t.Error("a refused deactivation changed the user")
	}
}

// TestConnectionTestReportsTheKeysRole checks each outcome of Test.
func TestConnectionTestReportsTheKeysRole(t *testing.T) {
	srv := startAcme(t, acmeapi.Options{})
	cl := connectortest.InProcess(t, tutorial.Connector())
	status := func(resp *connectorv1.TestResponse, id string) connectorv1.CheckStatus {
		for _, c := range resp.GetChecks() {
			if c.GetId() == id {
				return c.GetStatus()
			}
		}
		return connectorv1.CheckStatus_CHECK_STATUS_UNSPECIFIED
	}
	test := func(s map[string]string) *connectorv1.TestResponse {
		resp, err := cl.Test(context.Background(), &connectorv1.TestRequest{Settings: s})
		if err != nil {
			t.Fatalf("Test: %v", err)
		}
		return resp
	}

	resp := test(settingsFor(srv, acmeapi.DefaultAdminKey))
	if !resp.GetOk() || resp.GetAccount() != "it-admin@acme.example" || status(resp, "manage-users") != connectorv1.CheckStatus_CHECK_STATUS_OK {
		t.Errorf("admin key: %v", resp)
	}

	resp = test(settingsFor(srv, acmeapi.DefaultReaderKey))
	if !resp.GetOk() || status(resp, "manage-users") != connectorv1.CheckStatus_CHECK_STATUS_WARNING {
		t.Errorf("reader key: want ok with a warning on %s, got %v", "manage-users", resp)
	}

	resp = test(settingsFor(srv, "wrong-key-123"))
	if resp.GetOk() || status(resp, "credentials") != connectorv1.CheckStatus_CHECK_STATUS_FAILED {
		t.Errorf("wrong key: want a failed credentials check, got %v", resp)
	}

	bad := settingsFor(srv, acmeapi.DefaultAdminKey)
	bad["tenant"] = "No Such Tenant!"
	resp = test(bad)
	if resp.GetOk() || status(resp, "settings") != connectorv1.CheckStatus_CHECK_STATUS_FAILED {
		t.Errorf("malformed tenant: want a failed settings check, got %v", resp)
	}
}
