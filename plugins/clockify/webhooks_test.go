package clockify_test

import (
	"context"
	"slices"
	"testing"

	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// invoke renders webhook id with vars as the host would and runs it.
func invoke(t *testing.T, cl connectorv1.ConnectorClient, s map[string]string, id string, vars map[string]string) (*connectorv1.InvokeResponse, error) {
	t.Helper()
	var spec *connectorv1.WebhookSpec
	for _, w := range clockify.Connector().Describe().GetWebhooks() {
		if w.GetId() == id {
			spec = w
		}
	}
	if spec == nil {
		t.Fatalf("no webhook %q", id)
	}
	call, outs, missing := connectortest.Render(spec, vars)
	if len(missing) > 0 {
		t.Fatalf("missing macros %v", missing)
	}
	return cl.Invoke(context.Background(), &connectorv1.InvokeRequest{Settings: s, WebhookId: id, Call: call, Outputs: outs})
}

func user(sb *sandbox.Server, id string) sandbox.User {
	for _, u := range sb.Users(sandbox.DefaultWorkspaceID) {
		if u.ID == id {
			return u
		}
	}
	return sandbox.User{}
}

func group(sb *sandbox.Server, name string) (sandbox.Group, bool) {
	for _, g := range sb.Groups(sandbox.DefaultWorkspaceID) {
		if g.Name == name {
			return g, true
		}
	}
	return sandbox.Group{}, false
}

// TestOnboardingAndOffboarding follows a person's life: invited by e-mail,
// found by e-mail, put in a group, deactivated (offboarding), reactivated.
func TestOnboardingAndOffboarding(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	s := settings(sb, sandbox.DefaultAdminKey)
	cl := connectortest.InProcess(t, clockify.Connector())

	if _, err := invoke(t, cl, s, clockify.WebhookAddUser, map[string]string{"email": "joiner@example.com", "sendEmail": "false"}); err != nil {
		t.Fatalf("add user: %v", err)
	}
	resp, err := invoke(t, cl, s, clockify.WebhookFindUserByEmail, map[string]string{"email": "joiner@example.com"})
	if err != nil {
		t.Fatalf("find user: %v", err)
	}
	id := resp.GetOutputs().GetFields()["userId"].GetStringValue()
	if u := user(sb, id); u.Email != "joiner@example.com" {
		t.Fatalf("find user returned %q, which is not the new member", id)
	}
	if _, err := invoke(t, cl, s, clockify.WebhookAddUserToGroup, map[string]string{"userId": id, "groupId": groupSupp}); err != nil {
		t.Fatalf("add to group: %v", err)
	}
	if g, _ := group(sb, "Support"); !slices.Contains(g.UserIDs, id) {
		t.Fatalf("Support members %v lack %s", g.UserIDs, id)
	}
	if _, err := invoke(t, cl, s, clockify.WebhookDeactivateUser, map[string]string{"userId": id}); err != nil {
		t.Fatalf("deactivate: %v", err)
	}
	if st := user(sb, id).MembershipStatus; st != "INACTIVE" {
		t.Fatalf("after deactivation the membership is %q, want INACTIVE", st)
	}
	if _, err := invoke(t, cl, s, clockify.WebhookActivateUser, map[string]string{"userId": id}); err != nil {
		t.Fatalf("activate: %v", err)
	}
	if st := user(sb, id).MembershipStatus; st != "ACTIVE" {
		t.Fatalf("after activation the membership is %q, want ACTIVE", st)
	}
}

func TestFindUserByEmailIsExactAndSaysNotFound(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	s := settings(sb, sandbox.DefaultAdminKey)
	cl := connectortest.InProcess(t, clockify.Connector())
	// "dev@example.com" is a substring of barbara.dev@example.com, which
	// Clockify's filter returns; the connector must not take it.
	_, err := invoke(t, cl, s, clockify.WebhookFindUserByEmail, map[string]string{"email": "dev@example.com"})
	if ae := sdk.ErrorFromStatus(err); ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND {
		t.Fatalf("a partial e-mail match gave %v; want NOT_FOUND", ae)
	}
}

func TestGroupLifecycle(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	s := settings(sb, sandbox.DefaultAdminKey)
	cl := connectortest.InProcess(t, clockify.Connector())
	resp, err := invoke(t, cl, s, clockify.WebhookCreateGroup, map[string]string{"name": "Finance"})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	gid := resp.GetOutputs().GetFields()["groupId"].GetStringValue()
	if g, ok := group(sb, "Finance"); !ok || g.ID != gid {
		t.Fatalf("created group %q not found by its output id", gid)
	}
	if _, err := invoke(t, cl, s, clockify.WebhookRenameGroup, map[string]string{"groupId": gid, "name": "Finance & Legal"}); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if _, ok := group(sb, "Finance & Legal"); !ok {
		t.Fatal("rename did not reach the sandbox (or the & was mangled)")
	}
	if _, err := invoke(t, cl, s, clockify.WebhookDeleteGroup, map[string]string{"groupId": gid}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = invoke(t, cl, s, clockify.WebhookDeleteGroup, map[string]string{"groupId": gid})
	ae := sdk.ErrorFromStatus(err)
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_REJECTED || ae.GetAppCode() != "501" || ae.GetRemedy() == "" {
		t.Fatalf("second delete gave %v; want Clockify's 400 code 501 as REJECTED with a remedy", ae)
	}
}

func TestMemberKeyIsRefusedOnAdminCalls(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	s := settings(sb, sandbox.DefaultMemberKey)
	cl := connectortest.InProcess(t, clockify.Connector())
	_, err := invoke(t, cl, s, clockify.WebhookDeactivateUser, map[string]string{"userId": userKen})
	ae := sdk.ErrorFromStatus(err)
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_PERMISSION_DENIED || ae.GetExchange().GetResponse().GetStatus() != 403 {
		t.Fatalf("member key deactivating gave %v; want PERMISSION_DENIED", ae)
	}
	for _, h := range ae.GetExchange().GetRequest().GetHeaders() {
		if h.GetName() == "X-Api-Key" && h.GetValue() != sdk.Mask {
			t.Fatal("the key is visible in the error's exchange")
		}
	}
}

// TestProjectManagerRole: the project is found by its exact name, the
// role is given over its id (without a sourceType, which would name a
// user group), shown with the project, and taken away again.
func TestProjectManagerRole(t *testing.T) {
	sb := startSandbox(t, sandbox.DefaultSeed())
	s := settings(sb, sandbox.DefaultAdminKey)
	cl := connectortest.InProcess(t, clockify.Connector())
	if _, err := invoke(t, cl, s, clockify.WebhookFindProjectByName, map[string]string{"name": "Engin"}); err == nil {
		t.Fatal("a part of a project's name found a project")
	}
	resp, err := invoke(t, cl, s, clockify.WebhookFindProjectByName, map[string]string{"name": "Engineering"})
	if err != nil {
		t.Fatalf("find project: %v", err)
	}
	pid := resp.GetOutputs().GetFields()["projectId"].GetStringValue()
	if pid != projectEng {
		t.Fatalf("project id %q, want %s", pid, projectEng)
	}
	if _, err := invoke(t, cl, s, clockify.WebhookGiveProjectRole, map[string]string{"userId": userBarbara, "projectId": pid}); err != nil {
		t.Fatalf("give: %v", err)
	}
	want := sandbox.Role{Role: clockify.RoleProjectManager, EntityID: pid}
	if !slices.Contains(user(sb, userBarbara).Roles, want) {
		t.Fatalf("roles %+v, want %+v", user(sb, userBarbara).Roles, want)
	}
	if _, err := invoke(t, cl, s, clockify.WebhookRemoveProjectRole, map[string]string{"userId": userBarbara, "projectId": pid}); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if slices.Contains(user(sb, userBarbara).Roles, want) {
		t.Fatalf("roles after removal %+v", user(sb, userBarbara).Roles)
	}
}
