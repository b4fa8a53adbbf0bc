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

// Test checks the key and whether it may change users: Acme's /me says
// whose key it is and its role, so one call answers both.
func Test(ctx context.Context, c *sdk.Client) (*sdk.TestReport, error) {
	var me struct{ Email, Role string }
	resp, err := c.Get(ctx, "/v1/tenants/{tenant}/me")
	if err == nil {
		err = resp.JSON(&me)
	}
	key := c.Check(CheckCredentials, "API key", err, "the key belongs to "+me.Email)
	manage := sdk.Passed(CheckManageUsers, "Manage users (outbound)", "the key has the admin role")
	if err != nil {
		return &sdk.TestReport{Checks: []sdk.Check{key}}, nil
	} else if me.Role != "admin" {
		manage = sdk.Warned(CheckManageUsers, manage.Name, "the key has the "+me.Role+
			" role: inbound endpoints work, outbound webhooks will be refused", "use a key with the admin role to add or deactivate users")
	}
	return &sdk.TestReport{Account: me.Email, Checks: []sdk.Check{key, manage}}, nil
}
