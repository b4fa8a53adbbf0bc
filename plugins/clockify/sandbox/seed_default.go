package sandbox

import "fmt"

// The default seed's fixed ids and keys. They are constants so that tests in
// other packages, demo scripts and docs can name them without reading the
// seed first.
const (
	// DefaultWorkspaceID is the id of the only workspace in DefaultSeed.
	DefaultWorkspaceID = "6650a1b2c3d4e5f6a7b8c9d0"
	// DefaultAdminKey is an X-Api-Key whose user owns the default workspace.
	DefaultAdminKey = "sbx-admin-NzQ1ZTJhOWQtY2xvY2tpZnktc2FuZGJveA"
	// DefaultMemberKey is an X-Api-Key whose user is a plain member, so
	// user-admin calls made with it get 403.
	DefaultMemberKey = "sbx-member-OTFjMmI4ZTQtY2xvY2tpZnktc2FuZGJveA"
	// DefaultAdminUserID is the owner of the default workspace.
	DefaultAdminUserID = "6650a1b2c3d4e5f6a7b8c901"
	// DefaultMemberUserID is the plain member behind DefaultMemberKey.
	DefaultMemberUserID = "6650a1b2c3d4e5f6a7b8c902"
)

// Ids of the default seed's key records, as reported in RequestRecord.KeyID.
const (
	// DefaultAdminKeyID identifies DefaultAdminKey in request records.
	DefaultAdminKeyID = "admin-key"
	// DefaultMemberKeyID identifies DefaultMemberKey in request records.
	DefaultMemberKeyID = "member-key"
)

const (
	defaultEmployeeIDField = "6650a1b2c3d4e5f6a7b8ca01"
	defaultDepartmentField = "6650a1b2c3d4e5f6a7b8ca02"
)

// DefaultSeed returns a small workspace that covers every state a connector
// must handle: an owner (admin key), a plain member (member key), active,
// inactive, pending, declined and limited members, three groups and two user
// custom fields. Each call returns a fresh copy.
func DefaultSeed() *Seed {
	uid := func(n int) string { return fmt.Sprintf("6650a1b2c3d4e5f6a7b8c9%02x", n) }
	usd := func(a int) *Rate { return &Rate{Amount: a, Currency: "USD"} }
	users := []User{
		{ID: DefaultAdminUserID, Email: "ada.owner@example.com", Name: "Ada Owner", HourlyRate: usd(9000),
			Roles: []Role{{Role: "OWNER", EntityID: DefaultWorkspaceID}}},
		{ID: DefaultMemberUserID, Email: "max.member@example.com", Name: "Max Member", HourlyRate: usd(5000)},
		{ID: uid(3), Email: "grace.admin@example.com", Name: "Grace Admin",
			Roles: []Role{{Role: "WORKSPACE_ADMIN", EntityID: DefaultWorkspaceID}}},
		{ID: uid(4), Email: "linus.lead@example.com", Name: "Linus Lead",
			Roles:        []Role{{Role: "TEAM_MANAGER", EntityID: "6650a1b2c3d4e5f6a7b8cb01", SourceType: "USER_GROUP"}},
			CustomFields: []CustomFieldValue{{CustomFieldID: defaultEmployeeIDField, Value: "E-1004"}}},
		{ID: uid(5), Email: "barbara.dev@example.com", Name: "Barbara Dev", TimeZone: "Europe/Berlin",
			CustomFields: []CustomFieldValue{{CustomFieldID: defaultEmployeeIDField, Value: "E-1005"}}},
		{ID: uid(6), Email: "ken.sales@example.com", Name: "Ken Sales"},
		{ID: uid(7), Email: "dennis.left@example.com", Name: "Dennis Left", MembershipStatus: "INACTIVE"},
		{ID: uid(8), Email: "margaret.gone@example.com", Name: "Margaret Gone", MembershipStatus: "INACTIVE"},
		{ID: uid(9), Email: "new.hire@example.com", Status: "NOT_REGISTERED", MembershipStatus: "PENDING"},
		{ID: uid(10), Email: "invited.later@example.com", Status: "PENDING_EMAIL_VERIFICATION", MembershipStatus: "PENDING"},
		{ID: uid(11), Email: "said.no@example.com", Name: "Said No", MembershipStatus: "DECLINED"},
		{ID: uid(12), Email: "kiosk.worker@example.com", Name: "Kiosk Worker", Status: "LIMITED"},
	}
	return &Seed{
		Workspaces: []Workspace{{
			ID:       DefaultWorkspaceID,
			Name:     "Sandbox Workspace",
			Currency: "USD",
			Plan:     "BUNDLE_YEAR_2024",
			Users:    users,
			Groups: []Group{
				{ID: "6650a1b2c3d4e5f6a7b8cb01", Name: "Engineering", UserIDs: []string{uid(4), uid(5), DefaultMemberUserID}},
				{ID: "6650a1b2c3d4e5f6a7b8cb02", Name: "Sales", UserIDs: []string{uid(6), uid(7)}},
				{ID: "6650a1b2c3d4e5f6a7b8cb03", Name: "Support", UserIDs: []string{}},
			},
			CustomFields: []CustomField{
				{ID: defaultEmployeeIDField, Name: "Employee ID", Type: "TXT"},
				{ID: defaultDepartmentField, Name: "Department", Type: "DROPDOWN_SINGLE",
					AllowedValues: []string{"Engineering", "Sales", "Support"}},
			},
			Projects: []Project{{ID: "6650a1b2c3d4e5f6a7b8cc01", Name: "Engineering"}},
		}},
		APIKeys: []APIKey{
			{ID: DefaultAdminKeyID, Key: DefaultAdminKey, UserID: DefaultAdminUserID},
			{ID: DefaultMemberKeyID, Key: DefaultMemberKey, UserID: DefaultMemberUserID},
		},
	}
}

// GenerateSeed returns a workspace with the default seed's owner and member
// (so DefaultAdminKey and DefaultMemberKey work) plus nUsers generated
// members, one in fifty inactive, spread over ten groups. It exists for
// benchmarks that page through large workspaces.
func GenerateSeed(nUsers int) *Seed {
	s := DefaultSeed()
	ws := &s.Workspaces[0]
	ws.Users = ws.Users[:2]
	ws.Groups = ws.Groups[:0]
	for g := 0; g < 10; g++ {
		ws.Groups = append(ws.Groups, Group{ID: newID(), Name: fmt.Sprintf("Team %02d", g), UserIDs: make([]string, 0, nUsers/10+1)})
	}
	users := make([]User, 0, nUsers+2)
	users = append(users, ws.Users...)
	for i := 0; i < nUsers; i++ {
		u := User{
			ID:    newID(),
			Email: fmt.Sprintf("user%06d@example.com", i),
			Name:  fmt.Sprintf("Generated User %06d", i),
		}
		if i%50 == 49 {
			u.MembershipStatus = "INACTIVE"
		}
		users = append(users, u)
		g := &ws.Groups[i%10]
		g.UserIDs = append(g.UserIDs, u.ID)
	}
	ws.Users = users
	return s
}
