package demo

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// Stale accounts the demo seeds into the sandbox: active Clockify members
// whom the directory does not know or has disabled, the accounts an
// inbound plan must name as orphans.
var staleAccounts = []sandbox.User{
	{ID: "6650a1b2c3d4e5f6a7b8c9f1", Email: "olga.contractor@example.com", Name: "Olga Contractor"},
	{ID: "6650a1b2c3d4e5f6a7b8c9f2", Email: "tim.temp@example.com", Name: "Tim Temp"},
}

// leaverStillActive is a leaver (disabled in the demo directory) whose
// Clockify membership was never deactivated.
const leaverStillActive = "dennis.left@example.com"

// demoSeed is the sandbox's default workspace, whose people line up with
// the demo directory's, plus the stale accounts; it is written to a file
// for the sandbox binary's --seed.
func demoSeed(dir string) (string, error) {
	seed := sandbox.DefaultSeed()
	ws := &seed.Workspaces[0]
	for i := range ws.Users {
		if ws.Users[i].Email == leaverStillActive {
			ws.Users[i].MembershipStatus = "ACTIVE"
		}
	}
	ws.Users = append(ws.Users, staleAccounts...)
	raw, err := json.MarshalIndent(seed, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "clockify-sandbox-seed.json")
	return path, os.WriteFile(path, raw, 0o600)
}
