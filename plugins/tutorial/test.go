package tutorial

import (
	"context"

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
	var me struct{ Email, Role string }
	resp, err := c.Get(ctx, "/v1/tenants/{tenant}/me")
	if err == nil {
		err = resp.JSON(&me)
	}
	if err != nil {
		return &sdk.TestReport{Checks: []sdk.Check{c.FailedCall(CheckCredentials, "API key", err)}}, nil
	}
	manage := sdk.Passed(CheckManageUsers, "Manage users (outbound)", "the key has the admin role")
	if me.Role != "admin" {
		manage = sdk.Warned(CheckManageUsers, "Manage users (outbound)",
			"the key has the "+me.Role+" role: inbound endpoints work, outbound webhooks will be refused",
			"use a key with the admin role to add or deactivate users")
	}
	return &sdk.TestReport{Account: me.Email, Checks: []sdk.Check{
		sdk.Passed(CheckCredentials, "API key", "the key belongs to "+me.Email), manage}}, nil
}
