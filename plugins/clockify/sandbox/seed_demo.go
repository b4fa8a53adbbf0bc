package sandbox

// Stale accounts of the demo workspace: active Clockify members whom the
// demo directory does not know, the accounts an inbound plan must name as
// orphans.
var staleAccounts = []User{
	{ID: "6650a1b2c3d4e5f6a7b8c9f1", Email: "olga.contractor@example.com", Name: "Olga Contractor"},
	{ID: "6650a1b2c3d4e5f6a7b8c9f2", Email: "tim.temp@example.com", Name: "Tim Temp"},
}

// leaverStillActive is a leaver (disabled in the demo directory) whose
// Clockify membership was never deactivated.
const leaverStillActive = "dennis.left@example.com"

// DemoSeed is the default workspace plus what `idbridge demo` needs to
// show stale access: a leaver whose membership is still active and two
// members the directory does not know. clockify-sandbox --demo serves it,
// so the host's demo starts the sandbox without knowing its data format.
func DemoSeed() *Seed {
	seed := DefaultSeed()
	ws := &seed.Workspaces[0]
	for i := range ws.Users {
		if ws.Users[i].Email == leaverStillActive {
			ws.Users[i].MembershipStatus = "ACTIVE"
		}
	}
	ws.Users = append(ws.Users, staleAccounts...)
	return seed
}
