package tutorial

import (
	"context"
	"fmt"

	"github.com/idbridge/idbridge/sdk"
)

// Check ids reported by Test.
const (
	CheckCredentials = "credentials"
	CheckManageUsers = "manage-users"
)

// Test checks the key and tells whether it may change users. Acme says
// who a key belongs to and its role at /me, so one call answers both.
func Test(ctx context.Context, c *sdk.Client) (*sdk.TestReport, error) {
	var me struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	resp, err := c.Get(ctx, "/v1/tenants/{tenant}/me")
	if err == nil {
		err = resp.JSON(&me)
	}
	if err != nil {
		return &sdk.TestReport{Checks: []sdk.Check{{
			ID: CheckCredentials, Name: "API key", Status: sdk.CheckFailed,
			Message: c.AppMessage(err),
			Remedy:  "check the tenant, the base URL and the API key",
		}}}, nil
	}
	rep := &sdk.TestReport{Account: me.Email, Checks: []sdk.Check{{
		ID: CheckCredentials, Name: "API key", Status: sdk.CheckOK,
		Message: fmt.Sprintf("the key belongs to %s", me.Email),
	}}}
	manage := sdk.Check{ID: CheckManageUsers, Name: "Manage users (outbound)", Status: sdk.CheckOK,
		Message: "the key has the admin role"}
	if me.Role != "admin" {
		manage.Status = sdk.CheckWarning
		manage.Message = fmt.Sprintf("the key has the %s role: inbound endpoints work, outbound webhooks will be refused", me.Role)
		manage.Remedy = "use a key with the admin role to add or deactivate users"
	}
	rep.Checks = append(rep.Checks, manage)
	return rep, nil
}
