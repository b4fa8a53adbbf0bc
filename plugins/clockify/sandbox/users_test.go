package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

const ken = "6650a1b2c3d4e5f6a7b8c906"

type workspaceOut struct {
	ID          string          `json:"id"`
	Features    []string        `json:"features"`
	Memberships []membershipDTO `json:"memberships"`
}

func (w workspaceOut) status(userID string) string {
	for _, m := range w.Memberships {
		if m.UserID == userID {
			return m.MembershipStatus
		}
	}
	return ""
}

func TestAddUserInvitesAsPending(t *testing.T) {
	s := start(t, Options{})
	r := do(t, s, DefaultAdminKey, "POST", ws+"/users?send-email=false", `{"email":"Fresh.Hire@example.com"}`)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var w workspaceOut
	r.json(t, &w)
	if w.ID != DefaultWorkspaceID || len(w.Memberships) != 13 {
		t.Fatalf("answer is not the workspace with the new member: %+v", w)
	}
	us, _ := listUsers(t, s, "?email=fresh.hire&status=PENDING&memberships=WORKSPACE")
	if len(us) != 1 || !isID(us[0].ID) || us[0].Status != "NOT_REGISTERED" || us[0].Memberships[0].MembershipStatus != "PENDING" {
		t.Fatalf("new member = %+v", us)
	}
	if w.status(us[0].ID) != "PENDING" {
		t.Fatal("workspace answer lacks the pending membership")
	}
	// The same e-mail again, in any case, is refused.
	r = do(t, s, DefaultAdminKey, "POST", ws+"/users?send-email=true", `{"email":"fresh.hire@example.com"}`)
	wantError(t, r, 400, codeBusiness, "User with email fresh.hire@example.com is already a member of this workspace")
	// send-email may be left out (defaults to true).
	if r := do(t, s, DefaultAdminKey, "POST", ws+"/users", `{"email":"other@example.com"}`); r.status != 200 {
		t.Fatalf("without send-email: %d", r.status)
	}
	wantError(t, do(t, s, DefaultAdminKey, "POST", ws+"/users?send-email=true", `{"email":"  "}`), 400, codeBusiness, msgMustNotBeBlank)
	wantError(t, do(t, s, DefaultAdminKey, "POST", ws+"/users?send-email=true", `{}`), 400, codeBusiness, msgMustNotBeBlank)
	wantError(t, do(t, s, DefaultAdminKey, "POST", ws+"/users?send-email=true", `{"email":"no-at-sign"}`), 400, codeBusiness, "")
	wantError(t, do(t, s, DefaultAdminKey, "POST", ws+"/users?send-email=maybe", `{"email":"a@b.c"}`), 400, codeBadRequestBody, "")
}

func TestUpdateUserStatus(t *testing.T) {
	s := start(t, Options{})
	r := do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+ken, `{"status":"INACTIVE"}`)
	var w workspaceOut
	r.json(t, &w)
	if r.status != 200 || w.status(ken) != "INACTIVE" {
		t.Fatalf("%d %s", r.status, w.status(ken))
	}
	for _, u := range s.Users(DefaultWorkspaceID) {
		if u.ID == ken && u.MembershipStatus != "INACTIVE" {
			t.Fatal("state not changed")
		}
	}
	if us, _ := listUsers(t, s, "?status=INACTIVE&email=ken"); len(us) != 1 {
		t.Fatal("deactivated user not listed as INACTIVE")
	}
	r = do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+ken, `{"status":"ACTIVE"}`)
	r.json(t, &w)
	if w.status(ken) != "ACTIVE" {
		t.Fatal("not reactivated")
	}

	invalid := "You entered invalid value for field: [status]. This field can't be empty and can't be null. Make sure that every value representing: [status] must be from the following set: ACTIVE, INACTIVE."
	for _, body := range []string{`{"status":"PENDING"}`, `{"status":null}`, `{}`} {
		wantError(t, do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+ken, body), 400, codeBusiness, invalid)
	}
	wantError(t, do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+DefaultAdminUserID, `{"status":"INACTIVE"}`), 403, codeBusiness, msgAccessDenied)
	wantError(t, do(t, s, DefaultAdminKey, "PUT", ws+"/users/0123456789abcdef01234567", `{"status":"INACTIVE"}`), 400, codeBusiness, msgUserNotInWS)
	wantError(t, do(t, s, DefaultAdminKey, "PUT", ws+"/users/not-an-id", `{"status":"INACTIVE"}`), 400, codeBusiness, msgUserNotInWS)
	wantError(t, do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+ken, `{"status":`), 400, codeBadRequestBody, "")
}

func TestDeleteMemberIsRefused(t *testing.T) {
	s := start(t, Options{})
	wantError(t, do(t, s, DefaultAdminKey, "DELETE", ws+"/users/"+ken, ""), 400, codeMigratedToCake, msgMigratedToCake)
	wantError(t, do(t, s, DefaultAdminKey, "DELETE", ws+"/users/0123456789abcdef01234567", ""), 400, codeBusiness, msgUserNotInWS)
	if n := len(s.Users(DefaultWorkspaceID)); n != 12 {
		t.Fatalf("%d users after delete, want 12", n)
	}
}

func TestCustomFieldValue(t *testing.T) {
	s := start(t, Options{})
	path := ws + "/users/" + ken + "/custom-field/" + defaultEmployeeIDField + "/value"
	r := do(t, s, DefaultAdminKey, "PUT", path, `{"value":"E-7"}`)
	var v customFieldValueDTO
	r.json(t, &v)
	if r.status != 201 || v.Value != "E-7" || v.CustomFieldName != "Employee ID" || v.CustomFieldType != "TXT" || v.UserID != ken {
		t.Fatalf("%d %+v", r.status, v)
	}
	do(t, s, DefaultAdminKey, "PUT", path, `{"value":"E-8"}`)
	for _, u := range s.Users(DefaultWorkspaceID) {
		if u.ID == ken && (len(u.CustomFields) != 1 || u.CustomFields[0].Value != "E-8") {
			t.Fatalf("stored = %+v", u.CustomFields)
		}
	}
	wantError(t, do(t, s, DefaultAdminKey, "PUT", ws+"/users/"+ken+"/custom-field/0123456789abcdef01234567/value", `{"value":"x"}`), 400, codeBusiness, "Custom field doesn't belong to Workspace")
	wantError(t, do(t, s, DefaultAdminKey, "PUT", ws+"/users/0123456789abcdef01234567/custom-field/"+defaultEmployeeIDField+"/value", `{"value":"x"}`), 400, codeBusiness, msgUserNotInWS)

	var fields []customFieldDTO
	do(t, s, DefaultAdminKey, "GET", ws+"/custom-fields?page-size=1", "").json(t, &fields)
	if len(fields) != 2 || fields[1].AllowedValues[0] != "Engineering" {
		t.Fatalf("fields (paging ignored) = %+v", fields)
	}
	do(t, s, DefaultAdminKey, "GET", ws+"/custom-fields?status=INACTIVE", "").json(t, &fields)
	if len(fields) != 0 {
		t.Fatalf("inactive fields = %+v", fields)
	}
}

func TestRolesAndManagers(t *testing.T) {
	s := start(t, Options{})
	sales := "6650a1b2c3d4e5f6a7b8cb02"
	dennis := "6650a1b2c3d4e5f6a7b8c907" // in Sales
	r := do(t, s, DefaultAdminKey, "POST", ws+"/users/"+ken+"/roles", `{"entityId":"`+sales+`","role":"TEAM_MANAGER","sourceType":"USER_GROUP"}`)
	var roles []roleDetailsDTO
	r.json(t, &roles)
	if r.status != 201 || len(roles) != 1 || roles[0].Role.Name != "TEAM_MANAGER" || roles[0].Role.Source == nil ||
		roles[0].Role.Source.Type != "USER_GROUP" || roles[0].WorkspaceID != DefaultWorkspaceID || roles[0].UserID != ken {
		t.Fatalf("%d %+v", r.status, roles)
	}
	// Granting again does not duplicate.
	do(t, s, DefaultAdminKey, "POST", ws+"/users/"+ken+"/roles", `{"entityId":"`+sales+`","role":"TEAM_MANAGER","sourceType":"USER_GROUP"}`).json(t, &roles)
	if len(roles) != 1 {
		t.Fatalf("roles after second grant = %+v", roles)
	}
	// Ken now manages Dennis through Sales, and shows as Sales' team manager.
	var managers []userOut
	do(t, s, DefaultAdminKey, "GET", ws+"/users/"+dennis+"/managers", "").json(t, &managers)
	if len(managers) != 1 || managers[0].ID != ken {
		t.Fatalf("managers = %+v", managers)
	}
	var groups []groupDTO
	do(t, s, DefaultAdminKey, "GET", ws+"/user-groups?includeTeamManagers=true&name=Sales", "").json(t, &groups)
	if len(groups[0].TeamManagers) != 1 || groups[0].TeamManagers[0].ID != ken {
		t.Fatalf("team managers = %+v", groups[0].TeamManagers)
	}
	do(t, s, DefaultAdminKey, "GET", ws+"/user-groups?name=Sales", "").json(t, &groups)
	if len(groups[0].TeamManagers) != 0 {
		t.Fatal("team managers listed without includeTeamManagers")
	}
	// A workspace admin grant makes Ken's key-less user an admin.
	r = do(t, s, DefaultAdminKey, "POST", ws+"/users/"+ken+"/roles", `{"entityId":"`+DefaultWorkspaceID+`","role":"WORKSPACE_ADMIN"}`)
	r.json(t, &roles)
	if len(roles) != 2 || roles[1].Role.Source != nil || !strings.Contains(string(r.body), `"source":null`) {
		t.Fatalf("roles = %s", r.body)
	}
	if r := do(t, s, DefaultAdminKey, "DELETE", ws+"/users/"+ken+"/roles", `{"entityId":"`+DefaultWorkspaceID+`","role":"WORKSPACE_ADMIN"}`); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete role: %d %q", r.status, r.body)
	}
	if r := do(t, s, DefaultAdminKey, "DELETE", ws+"/users/"+ken+"/roles", `{"entityId":"`+DefaultWorkspaceID+`","role":"WORKSPACE_ADMIN"}`); r.status != 204 {
		t.Fatalf("delete absent role: %d", r.status)
	}
	bad := []struct{ body, msg string }{
		{`{"entityId":"` + DefaultWorkspaceID + `","role":"OWNER"}`, "must be from the following set: WORKSPACE_ADMIN, TEAM_MANAGER, PROJECT_MANAGER"},
		{`{"role":"PROJECT_MANAGER"}`, "entityId"},
		{`{"entityId":"0123456789abcdef01234567","role":"TEAM_MANAGER","sourceType":"USER_GROUP"}`, msgGroupNotInWS},
		{`{"entityId":"0123456789abcdef01234567","role":"TEAM_MANAGER"}`, msgUserNotInWS},
		{`{"entityId":"0123456789abcdef01234567","role":"WORKSPACE_ADMIN"}`, "Workspace"},
		{`{"entityId":"` + sales + `","role":"TEAM_MANAGER","sourceType":"PROJECT"}`, "sourceType"},
	}
	for _, b := range bad {
		r := do(t, s, DefaultAdminKey, "POST", ws+"/users/"+ken+"/roles", b.body)
		if r.status != 400 || !strings.Contains(r.apiErr(t).Message, b.msg) {
			t.Errorf("%s: %d %s", b.body, r.status, r.body)
		}
	}
	wantError(t, do(t, s, DefaultAdminKey, "GET", ws+"/users/0123456789abcdef01234567/managers", ""), 400, codeBusiness, msgUserNotInWS)
	// Deleting the group takes the roles granted through it.
	do(t, s, DefaultAdminKey, "DELETE", ws+"/user-groups/"+sales, "")
	for _, u := range s.Users(DefaultWorkspaceID) {
		if u.ID == ken && len(u.Roles) != 0 {
			t.Fatalf("roles after group delete = %+v", u.Roles)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s := start(t, Options{})
	g := "6650a1b2c3d4e5f6a7b8cb01"
	cases := []struct{ method, path, allow string }{
		{"PUT", ws, "GET"},
		{"PATCH", ws, "GET"},
		{"GET", ws + "/user-groups/" + g, "DELETE, PUT"},
		{"GET", ws + "/user-groups/" + g + "/users", "POST"},
		{"GET", ws + "/users/" + ken, "DELETE, PUT"},
		{"GET", ws + "/users/info", "POST"},
	}
	for _, c := range cases {
		r := do(t, s, DefaultAdminKey, c.method, c.path, "")
		wantError(t, r, http.StatusMethodNotAllowed, codeMethodNotAllow, "Request method '"+c.method+"' is not supported")
		if got := r.header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	// Authentication comes first, as in Clockify's filter chain.
	wantError(t, do(t, s, "", "GET", ws+"/user-groups/"+g, ""), 401, codeAuthTokens, msgMultipleOrNone)
}

func TestPathsAndPrefixes(t *testing.T) {
	s := start(t, Options{})
	for _, p := range []string{"/api/v1/user", "/v1/user", "/api/v1/user/"} {
		req, _ := http.NewRequest("GET", "http://"+s.listener.Addr().String()+p, nil)
		req.Header.Set("X-Api-Key", DefaultAdminKey)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	r := do(t, s, DefaultAdminKey, "GET", "/v1/nothing-here", "")
	wantError(t, r, 404, codeNoResource, "")
	if !strings.Contains(r.apiErr(t).Message, "No static resource") {
		t.Fatalf("message = %q", r.apiErr(t).Message)
	}
}

func TestCurrentUserAndWorkspaces(t *testing.T) {
	s := start(t, Options{})
	var me userOut
	do(t, s, DefaultMemberKey, "GET", "/v1/user", "").json(t, &me)
	if me.ID != DefaultMemberUserID || len(me.Memberships) != 0 {
		t.Fatalf("me = %+v", me)
	}
	do(t, s, DefaultMemberKey, "GET", "/v1/user?include-memberships=true", "").json(t, &me)
	if len(me.Memberships) != 1 || me.Memberships[0].TargetID != DefaultWorkspaceID {
		t.Fatalf("memberships = %+v", me.Memberships)
	}
	wantError(t, do(t, s, DefaultMemberKey, "GET", "/v1/user?include-memberships=NOT-A-BOOL", ""), 400, codeBadRequestBody, "")

	var list []workspaceOut
	do(t, s, DefaultAdminKey, "GET", "/v1/workspaces?page-size=0", "").json(t, &list) // paging ignored
	if len(list) != 1 || len(list[0].Features) == 0 || len(list[0].Memberships) != 12 {
		t.Fatalf("workspaces = %+v", list)
	}
	do(t, s, DefaultAdminKey, "GET", "/v1/workspaces?roles=WORKSPACE_ADMIN", "").json(t, &list)
	if len(list) != 0 {
		t.Fatal("owner counted as admin when filtering workspaces")
	}
	do(t, s, DefaultMemberKey, "GET", "/v1/workspaces?roles=OWNER&roles=WORKSPACE_ADMIN", "").json(t, &list)
	if len(list) != 0 {
		t.Fatal("member listed as owner")
	}
}
