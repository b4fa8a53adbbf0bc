package clockify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

func runTest(t *testing.T, s map[string]string) (*connectorv1.TestResponse, map[string]*connectorv1.Check) {
	t.Helper()
	resp, err := connectortest.InProcess(t, clockify.Connector()).Test(context.Background(), &connectorv1.TestRequest{Settings: s})
	if err != nil {
		t.Fatalf("Test: %v", err)
	}
	checks := map[string]*connectorv1.Check{}
	for _, c := range resp.GetChecks() {
		checks[c.GetId()] = c
	}
	return resp, checks
}

func TestTestWithAdminKey(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	resp, checks := runTest(t, settings(sb, sandbox.DefaultAdminKey))
	if !resp.GetOk() || resp.GetAccount() != "ada.owner@example.com" {
		t.Fatalf("admin key: ok=%v account=%q checks=%v", resp.GetOk(), resp.GetAccount(), resp.GetChecks())
	}
	for _, id := range []string{"settings", clockify.CheckCredentials, clockify.CheckWorkspace, clockify.CheckReadUsers, clockify.CheckAdminUsers} {
		if checks[id].GetStatus() != connectorv1.CheckStatus_CHECK_STATUS_OK {
			t.Errorf("check %s = %v", id, checks[id])
		}
	}
	if !strings.Contains(checks[clockify.CheckAdminUsers].GetMessage(), "owner") {
		t.Errorf("admin check should name the role: %q", checks[clockify.CheckAdminUsers].GetMessage())
	}
}

func TestTestWithMemberKeySaysWhatIsMissing(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	resp, checks := runTest(t, settings(sb, sandbox.DefaultMemberKey))
	admin := checks[clockify.CheckAdminUsers]
	if resp.GetOk() || admin.GetStatus() != connectorv1.CheckStatus_CHECK_STATUS_FAILED ||
		!strings.Contains(admin.GetMessage(), "missing") || !strings.Contains(admin.GetRemedy(), "Workspace admin") {
		t.Fatalf("member key: ok=%v admin check=%v; want a failed check saying what is missing", resp.GetOk(), admin)
	}
	if checks[clockify.CheckCredentials].GetStatus() != connectorv1.CheckStatus_CHECK_STATUS_OK {
		t.Errorf("the member's key itself is valid: %v", checks[clockify.CheckCredentials])
	}
}

func TestTestWithUnknownKey(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	resp, checks := runTest(t, settings(sb, "not-a-real-key"))
	c := checks[clockify.CheckCredentials]
	if resp.GetOk() || c.GetStatus() != connectorv1.CheckStatus_CHECK_STATUS_FAILED || !strings.Contains(c.GetMessage(), "401") {
		t.Fatalf("unknown key: %v", c)
	}
	if checks[clockify.CheckAdminUsers].GetStatus() != connectorv1.CheckStatus_CHECK_STATUS_SKIPPED {
		t.Errorf("later checks should be skipped: %v", checks[clockify.CheckAdminUsers])
	}
	if strings.Contains(c.GetMessage(), "not-a-real-key") {
		t.Error("the key appears in the check")
	}
}

func TestTestWithWrongWorkspace(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	s := settings(sb, sandbox.DefaultAdminKey)
	s[clockify.SettingWorkspaceID] = "0123456789abcdef01234567"
	resp, checks := runTest(t, s)
	if resp.GetOk() || checks[clockify.CheckWorkspace].GetStatus() != connectorv1.CheckStatus_CHECK_STATUS_FAILED {
		t.Fatalf("wrong workspace: %v", checks[clockify.CheckWorkspace])
	}
}

func TestTestRefusesMalformedWorkspaceID(t *testing.T) {
	resp, checks := runTest(t, map[string]string{clockify.SettingWorkspaceID: "abc", clockify.SettingAPIKey: "k"})
	if resp.GetOk() || !strings.Contains(checks["settings"].GetMessage(), "workspaceId") {
		t.Fatalf("malformed workspace id: %v", checks["settings"])
	}
}

// TestRegionalBaseURL checks that a base URL with another host and the
// /api prefix (as a regional or subdomain host has) is used as given.
func TestRegionalBaseURL(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	s := settings(sb, sandbox.DefaultAdminKey)
	s[clockify.SettingBaseURL] = strings.Replace(sb.BaseURL(), "127.0.0.1", "localhost", 1)
	resp, _ := runTest(t, s)
	if !resp.GetOk() {
		t.Fatalf("base URL on another host name: %v", resp.GetChecks())
	}
	for _, r := range sb.Requests() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			t.Fatalf("request path %q does not keep the base path", r.Path)
		}
	}
}
