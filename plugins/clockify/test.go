package clockify

import (
	"context"
	"fmt"
	"net/http"

	"github.com/idbridge/idbridge/sdk"
)

// Check ids reported by Test.
const (
	CheckCredentials = "credentials"
	CheckWorkspace   = "workspace"
	CheckReadUsers   = "read-users"
	CheckAdminUsers  = "admin-users"
)

// Test checks, in order: the key (GET /v1/user), the workspace (GET
// /v1/workspaces/{id}), reading every member (one page of the member list,
// as List Users asks for it) for inbound endpoints, and administering
// members for outbound webhooks. Clockify has no permission introspection,
// so the last check asks which workspaces the key's user owns or
// administers (GET /v1/workspaces?roles=...): user administration needs one
// of those roles. A failed check skips the checks that depend on it.
func Test(ctx context.Context, c *sdk.Client) (*sdk.TestReport, error) {
	rep := &sdk.TestReport{}
	ws := c.Settings().Get(SettingWorkspaceID)

	var me struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
	}
	resp, err := c.Get(ctx, "/v1/user")
	if err == nil {
		err = resp.JSON(&me)
	}
	if err != nil {
		rep.Checks = append(rep.Checks, failed(c, CheckCredentials, "API key", err,
			"enter a valid personal API key (Profile settings → Advanced → Manage API keys) and check the base URL"))
		return skipRest(rep, CheckWorkspace, CheckReadUsers, CheckAdminUsers), nil
	}
	rep.Account = me.Email
	rep.Checks = append(rep.Checks, sdk.Check{ID: CheckCredentials, Name: "API key", Status: sdk.CheckOK,
		Message: fmt.Sprintf("the key belongs to %s (%s)", me.Email, me.ID)})

	var w struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	resp, err = c.Get(ctx, "/v1/workspaces/{WorkspaceID}")
	if err == nil {
		err = resp.JSON(&w)
	}
	if err != nil {
		rep.Checks = append(rep.Checks, failed(c, CheckWorkspace, "Workspace", err,
			"check the workspace id, that "+me.Email+" is a member of it, and that the base URL is the workspace's region"))
		return skipRest(rep, CheckReadUsers, CheckAdminUsers), nil
	}
	rep.Checks = append(rep.Checks, sdk.Check{ID: CheckWorkspace, Name: "Workspace", Status: sdk.CheckOK,
		Message: fmt.Sprintf("workspace %q (%s) is reachable", w.Name, w.ID)})

	role, roleErr := adminRole(ctx, c, ws)

	_, err = c.Get(ctx, usersURL, sdk.KV{Name: "page", Value: "1"}, sdk.KV{Name: "page-size", Value: "1"},
		sdk.KV{Name: "status", Value: "ALL"}, sdk.KV{Name: "memberships", Value: "WORKSPACE"},
		sdk.KV{Name: "include-roles", Value: "false"})
	switch {
	case err != nil:
		rep.Checks = append(rep.Checks, failed(c, CheckReadUsers, "Read all users (inbound)", err,
			"missing: the right to list the workspace's members; use the key of a workspace owner or admin"))
	case role == "":
		rep.Checks = append(rep.Checks, sdk.Check{ID: CheckReadUsers, Name: "Read all users (inbound)", Status: sdk.CheckWarning,
			Message: me.Email + " can list members but is not an owner or admin, so Clockify may leave out members, rates or pending invitations",
			Remedy:  "use the key of a workspace owner or admin for complete inbound data"})
	default:
		rep.Checks = append(rep.Checks, sdk.Check{ID: CheckReadUsers, Name: "Read all users (inbound)", Status: sdk.CheckOK,
			Message: "the key can list every member of the workspace"})
	}

	switch {
	case roleErr != nil:
		rep.Checks = append(rep.Checks, failed(c, CheckAdminUsers, "Administer users (outbound)", roleErr,
			"could not read the key's roles; retry, or check the key's rights"))
	case role == "":
		rep.Checks = append(rep.Checks, sdk.Check{ID: CheckAdminUsers, Name: "Administer users (outbound)", Status: sdk.CheckFailed,
			Message: fmt.Sprintf("missing: %s is neither owner nor admin of workspace %q, so adding, deactivating and activating members, group changes and role changes will be refused (403)", me.Email, w.Name),
			Remedy:  "give " + me.Email + " the Workspace admin role in Clockify, or use the key of an owner or admin"})
	default:
		rep.Checks = append(rep.Checks, sdk.Check{ID: CheckAdminUsers, Name: "Administer users (outbound)", Status: sdk.CheckOK,
			Message: fmt.Sprintf("%s is %s of the workspace and may administer its members and groups", me.Email, role)})
	}
	return rep, nil
}

// adminRole returns "owner" or "admin" when the key's user has that role in
// workspace ws, or "". GET /v1/workspaces takes one role per call in the
// official spec, so the two roles are asked for separately.
func adminRole(ctx context.Context, c *sdk.Client, ws string) (string, error) {
	for _, r := range []struct{ param, name string }{{"OWNER", "owner"}, {"WORKSPACE_ADMIN", "admin"}} {
		resp, err := c.Get(ctx, "/v1/workspaces", sdk.KV{Name: "roles", Value: r.param})
		if err != nil {
			return "", err
		}
		var list []struct {
			ID string `json:"id"`
		}
		if err := resp.JSON(&list); err != nil {
			return "", err
		}
		for _, w := range list {
			if w.ID == ws {
				return r.name, nil
			}
		}
	}
	return "", nil
}

// failed turns a call error into a failed check with Clockify's words.
func failed(c *sdk.Client, id, name string, err error, remedy string) sdk.Check {
	msg := c.AppMessage(err)
	if st := sdk.HTTPStatus(err); st != 0 {
		msg = fmt.Sprintf("Clockify answered %d %s: %s", st, http.StatusText(st), msg)
	}
	return sdk.Check{ID: id, Name: name, Status: sdk.CheckFailed, Message: msg, Remedy: remedy}
}

// skipRest marks the checks that could not run.
func skipRest(rep *sdk.TestReport, ids ...string) *sdk.TestReport {
	names := map[string]string{
		CheckWorkspace: "Workspace", CheckReadUsers: "Read all users (inbound)", CheckAdminUsers: "Administer users (outbound)",
	}
	for _, id := range ids {
		rep.Checks = append(rep.Checks, sdk.Check{ID: id, Name: names[id], Status: sdk.CheckSkipped,
			Message: "not checked: an earlier check failed"})
	}
	return rep
}
